using Akka.Actor;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// What a session tells its transport child. The transport is deliberately dumb: it moves frames and reports
/// what arrives; transactions, timeouts and routing belong to the session, so one protocol fits both transports
/// (a per-session REST link, or a channel on a shared WebSocket).
/// </summary>
public static class JanusTransportCommands
{
    // Between a session and its transport child, always on one node: never serialized, not even by serialize-messages.

    /// <summary>Open the connection. Answered by <see cref="JanusTransportEvents.Connected"/>, or the transport fails.</summary>
    public sealed record Connect : INoSerializationVerificationNeeded
    {
        public static readonly Connect Instance = new();
    }

    /// <summary>Send one request. Replies and events come back as <see cref="JanusTransportEvents.Received"/>.</summary>
    public sealed record Send(JanusRequest Request) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only: fetch what Janus queued for this session (after a crash: the events of the gap) with long polls that
    /// wait at most <see cref="JanusOptions.RestDrainWindow"/> for an event; answered with <see cref="JanusTransportEvents.Drained"/>
    /// after the events, or <see cref="JanusTransportEvents.SessionGone"/>.
    /// </summary>
    public sealed record Drain(long JanusSessionId) : INoSerializationVerificationNeeded;

    /// <summary>A session's channel stopped: the shared connection forgets its routes.</summary>
    public sealed record ChannelStopped : INoSerializationVerificationNeeded
    {
        public static readonly ChannelStopped Instance = new();
    }

    /// <summary>REST only: start (or restart) long-polling events of this Janus session. WebSocket ignores it.</summary>
    public sealed record StartPolling(long JanusSessionId) : INoSerializationVerificationNeeded;
}

/// <summary>What a transport tells its parent session.</summary>
public static class JanusTransportEvents
{
    // Between a transport and its parent session, always on one node: never serialized, not even by serialize-messages.

    /// <summary>
    /// The transport is ready for requests. A shared WebSocket asks Janus for <c>info</c> once and hands the answer to
    /// every session on it (<paramref name="ServerInfo"/>); null when the session must ask itself.
    /// </summary>
    public sealed record Connected(JanusTransportKind Kind, JanusMessage? ServerInfo = null) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The shared WebSocket a channel uses broke, was closed, or could not be opened: every session on it claims again.
    /// Sent by <see cref="JanusConnectionActor"/> to its <see cref="WebSocketChannelActor"/>s, which fail with it.
    /// </summary>
    public sealed record ConnectionLost(string Reason) : INoSerializationVerificationNeeded;

    /// <summary>REST only: what Janus had queued for the session has been forwarded (see <see cref="JanusTransportCommands.Drain"/>).</summary>
    public sealed record Drained(long JanusSessionId) : INoSerializationVerificationNeeded;

    /// <summary>A well-formed message from Janus, a reply or an event.</summary>
    public sealed record Received(JanusMessage Message) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only: the long poll was answered 404/458, Janus no longer knows the session; polling has stopped.
    /// <see cref="Code"/> is 458 (session not found) also for the bare HTTP 404 that Janus 1.1.2 sends.
    /// </summary>
    public sealed record SessionGone(long JanusSessionId, int Code, string Reason) : INoSerializationVerificationNeeded;
}

/// <summary>
/// The connection to Janus failed (refused, dropped, closed, unusable). Thrown by a transport actor so that
/// the session's supervisor strategy restarts it; the session then claims again on the fresh connection.
/// </summary>
public sealed class JanusTransportException(string message, Exception? inner = null) : Exception(message, inner);
