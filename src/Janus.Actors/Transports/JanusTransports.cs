using Akka.Actor;

namespace Janus.Actors.Transports;

/// <summary>
/// How a node's sessions reach Janus. A WebSocket session talks straight to the shared connection its
/// <see cref="JanusConnectionPool"/> pins it to: <see cref="JanusTransportCommands.Connect"/> goes to the pool, and the
/// connection answers <see cref="JanusTransportReports.Connected"/> and, if its socket is lost,
/// <see cref="JanusTransportReports.ConnectionLost"/>. A REST session starts a transport child of its own
/// (<see cref="RestProps"/>), whose failures reach it through supervision. Both speak <see cref="JanusTransportCommands"/>.
/// </summary>
/// <param name="Connections">The node's <see cref="JanusConnectionPool"/>; <see cref="ActorRefs.Nobody"/> when no WebSocket URL is set.</param>
/// <param name="RestProps">Props of a REST session's transport child; throws when no REST URL is set.</param>
internal sealed record JanusTransports(IActorRef Connections, Func<Props> RestProps)
{
    /// <summary>The node's shared WebSockets (<paramref name="connections"/>) and a REST link per REST session.</summary>
    public static JanusTransports Create(JanusOptions options, IActorRef connections) =>
        new(connections, () => RestTransportActor.Props(options));
}
