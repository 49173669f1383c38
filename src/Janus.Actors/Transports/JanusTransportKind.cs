namespace Janus.Actors.Transports;

/// <summary>How a session talks to Janus.</summary>
public enum JanusTransportKind
{
    /// <summary>One WebSocket per session, subprotocol <c>janus-protocol</c>.</summary>
    WebSocket,
    /// <summary>HTTP POST for requests and a long-poll GET for events.</summary>
    Rest,
}

/// <summary>The lower-case names of <see cref="JanusTransportKind"/> that the HTTP API, metrics and traces use.</summary>
public static class JanusTransportKindNames
{
    /// <summary><c>websocket</c> or <c>rest</c>.</summary>
    public static string ToName(this JanusTransportKind kind) => kind == JanusTransportKind.WebSocket ? "websocket" : "rest";
}
