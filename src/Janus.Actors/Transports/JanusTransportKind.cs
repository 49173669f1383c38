namespace Janus.Actors.Transports;

/// <summary>How a session talks to Janus.</summary>
public enum JanusTransportKind
{
    /// <summary>One WebSocket per session, subprotocol <c>janus-protocol</c>.</summary>
    WebSocket,
    /// <summary>HTTP POST for requests and a long-poll GET for events.</summary>
    Rest,
}
