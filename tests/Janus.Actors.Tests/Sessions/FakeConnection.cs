using Akka.TestKit;

namespace Janus.Actors.Tests.Sessions;

/// <summary>
/// A shared WebSocket connection as a session sees it, scripted through a probe: every command the session sends
/// reaches the probe with this actor as its sender. The test answers through the probe:
/// <c>probe.Reply(new FakeConnection.ToSession(msg))</c> delivers msg to the session as from its connection,
/// <c>probe.Reply(new FakeConnection.Fail(reason))</c> tells the session the socket is lost.
/// </summary>
internal sealed class FakeConnection : ReceiveActor
{
    public sealed record ToSession(object Message);

    public sealed record Fail(string Reason);

    private IActorRef _session = ActorRefs.Nobody;

    /// <param name="probe">Receives every command the session sends.</param>
    /// <param name="refuseConnections">Answer every Connect with ConnectionLost, as a connection does while Janus is down.</param>
    public static Props Props(TestProbe probe, bool refuseConnections = false) =>
        Akka.Actor.Props.Create(() => new FakeConnection(probe, refuseConnections));

    /// <summary>
    /// The connection inside a server's home with one connection, as a session finds it: the home passes transport
    /// commands on, and the connection that answers lives under it (a session takes answers only from its own server's
    /// connections). What sessions tell the home about their reclaims goes to <paramref name="serverNews"/>, or nowhere.
    /// </summary>
    public static Props Home(TestProbe probe, bool refuseConnections = false, TestProbe? serverNews = null) =>
        Akka.Actor.Props.Create(() => new HomeOfOne(Props(probe, refuseConnections), serverNews));

    private sealed class HomeOfOne : ReceiveActor
    {
        public HomeOfOne(Props connection, TestProbe? serverNews)
        {
            var child = Context.ActorOf(connection, "connection-0");
            Receive<JanusTransportCommands.Connect>(child.Forward);
            Receive<JanusTransportCommands.SessionStopped>(child.Forward);
            ReceiveAny(news => serverNews?.Ref.Forward(news));
        }
    }

    public FakeConnection(TestProbe probe, bool refuseConnections)
    {
        Receive<ToSession>(m => _session.Tell(m.Message));
        Receive<Fail>(f => _session.Tell(new JanusTransportReports.ConnectionLost(f.Reason)));
        Receive<JanusTransportCommands.SessionStopped>(_ => { });
        ReceiveAny(m =>
        {
            _session = Sender;
            probe.Ref.Tell(m, Self);
            if (refuseConnections && m is JanusTransportCommands.Connect)
                Sender.Tell(new JanusTransportReports.ConnectionLost("connection refused"));
        });
    }
}
