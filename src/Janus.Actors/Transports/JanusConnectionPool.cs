using Akka.Actor;
using Akka.Event;
using static Janus.Actors.Transports.JanusTransportCommands;

namespace Janus.Actors.Transports;

/// <summary>
/// The WebSockets of one node to one Janus server, a child of its home (<c>Servers.JanusServerActor</c>): <see cref="JanusOptions.WebSocketConnections"/> children
/// <c>connection-0</c>… (<see cref="JanusConnectionActor"/>), restarted whenever they fail. A session's
/// <see cref="Connect"/> and <see cref="SessionStopped"/> go to the connection the session is pinned to (by the session
/// actor's name, so a session keeps its socket for the life of the process); the session sends its requests to that
/// connection directly, the sender of <see cref="JanusTransportReports.Connected"/>.
/// </summary>
internal sealed class JanusConnectionPool : ReceiveActor
{
    private readonly IActorRef[] _connections;

    public JanusConnectionPool(JanusOptions options)
    {
        _connections = Enumerable.Range(0, options.WebSocketConnections)
            .Select(i => Context.ActorOf(JanusConnectionActor.Props(options), $"connection-{i}"))
            .ToArray();
        Receive<Connect>(connect => _connections[PinFor(Sender)].Forward(connect));
        Receive<SessionStopped>(stopped => _connections[PinFor(Sender)].Forward(stopped));
    }

    /// <summary>Props for a pool; throws at once when <see cref="JanusOptions.WebSocketUrl"/> is missing or the size is below 1.</summary>
    public static Props Props(JanusOptions options)
    {
        options.UrlFor(JanusTransportKind.WebSocket);
        if (options.WebSocketConnections < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.WebSocketConnections, "Janus WebSocketConnections must be at least 1");
        return Akka.Actor.Props.Create(typeof(JanusConnectionPool), options);
    }

    /// <summary>A connection that failed is restarted, quietly: it has logged one line itself and told its sessions.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new QuietRestart();

    // The session actor is named after the session key (or the entity id in a cluster).
    private int PinFor(IActorRef session) =>
        (int)((uint)StringComparer.Ordinal.GetHashCode(session.Path.Name) % (uint)_connections.Length);

    private sealed class QuietRestart() : OneForOneStrategy(_ => Directive.Restart)
    {
        protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
        {
            if (cause is JanusTransportException) context.GetLogger().Debug("Restarting {Connection}: {Reason}", child.Path.Name, cause.Message);
            else base.LogFailure(context, child, cause, directive);
        }
    }
}
