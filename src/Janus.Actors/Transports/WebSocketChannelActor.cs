using Akka.Actor;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportEvents;

namespace Janus.Actors.Transports;

/// <summary>
/// A session's WebSocket transport: a small child that speaks <see cref="JanusTransportCommands"/> to its session and
/// carries them over the shared <see cref="JanusConnectionActor"/> its <see cref="JanusConnectionPool"/> pins the session
/// to. Because it is the session's child, a lost connection reaches the session the way any transport failure does:
/// the channel throws <see cref="JanusTransportException"/>, the session's supervision stops it, and the session claims
/// again through a fresh channel. <see cref="StartPolling"/> is ignored: Janus pushes events over the socket.
/// </summary>
public sealed class WebSocketChannelActor(IActorRef pool) : UntypedActor
{
    private IActorRef? _connection;

    /// <summary>Props for a channel through <paramref name="pool"/> (a <see cref="JanusConnectionPool"/>).</summary>
    public static Props Props(IActorRef pool) => Akka.Actor.Props.Create(typeof(WebSocketChannelActor), pool);

    /// <summary>The connection forgets this channel's routes (cheaper than having the connection watch every channel).</summary>
    protected override void PostStop() => _connection?.Tell(ChannelStopped.Instance);

    // A switch, not ReceiveActor's per-instance handler table: there is one channel per WebSocket session.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Connect:
                pool.Tell(Connect.Instance);
                break;
            case Connected connected:
                _connection = Sender;
                Context.Parent.Tell(connected);
                break;
            case Send send:
                if (_connection is null) throw JanusTransportFailure.NotConnected(JanusTransportKind.WebSocket, send);
                _connection.Tell(send);
                break;
            case Received received:
                Context.Parent.Tell(received);
                break;
            case ConnectionLost lost:
                throw new JanusTransportException(lost.Reason);
            case StartPolling:
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
