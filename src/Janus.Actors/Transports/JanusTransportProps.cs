using Akka.Actor;

namespace Janus.Actors.Transports;

/// <summary>Chooses the transport actor for a session.</summary>
public static class JanusTransportProps
{
    /// <summary>
    /// Props for a session's transport child speaking <see cref="JanusTransportCommands"/>: a channel on the node's
    /// shared WebSockets (<paramref name="connections"/>, a <see cref="JanusConnectionPool"/>) or a REST link of its own.
    /// Throws at once when <paramref name="options"/> has no URL for <paramref name="kind"/>.
    /// </summary>
    public static Props Create(JanusTransportKind kind, JanusOptions options, IActorRef connections) => kind switch
    {
        JanusTransportKind.WebSocket => ChannelProps(options, connections),
        JanusTransportKind.Rest => RestTransportActor.Props(options),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown transport"),
    };

    private static Props ChannelProps(JanusOptions options, IActorRef connections)
    {
        options.UrlFor(JanusTransportKind.WebSocket);
        return WebSocketChannelActor.Props(connections);
    }
}
