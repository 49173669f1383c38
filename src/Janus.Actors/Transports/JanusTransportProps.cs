using Akka.Actor;

namespace Janus.Actors.Transports;

/// <summary>Chooses the transport actor for a session.</summary>
public static class JanusTransportProps
{
    /// <summary>
    /// Props for a transport child speaking <see cref="JanusTransportCommands"/>. Throws at once when
    /// <paramref name="options"/> has no URL for <paramref name="kind"/>.
    /// </summary>
    public static Props Create(JanusTransportKind kind, JanusOptions options) => kind switch
    {
        JanusTransportKind.WebSocket => WebSocketTransportActor.Props(options),
        JanusTransportKind.Rest => RestTransportActor.Props(options),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown transport"),
    };
}
