using Akka.Actor;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// What a session tells its transport. The transport is deliberately dumb: it moves frames and reports what arrives;
/// transactions, timeouts and routing belong to the session, so one protocol fits both transports (a per-session REST
/// link, or the shared WebSocket the session is pinned to: see <c>Servers.JanusServers</c>).
/// </summary>
internal static class JanusTransportCommands
{
    // Between a session and its transport, always on one node: never serialized, not even by serialize-messages.

    /// <summary>Open the connection. Answered by <see cref="JanusTransportReports.Connected"/>, or the transport fails.</summary>
    public sealed record Connect : INoSerializationVerificationNeeded
    {
        public static readonly Connect Instance = new();
    }

    /// <summary>Send one request. Replies and events come back as <see cref="JanusTransportReports.Received"/>.</summary>
    public sealed record Send(JanusRequest Request) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only, before a recovered session's first claim: fetch what Janus queued for it while no process polled (the
    /// events of the gap), waiting at most <see cref="JanusOptions.RestDrainWindow"/> for an answer, when the server has a
    /// connection to spare; answered with <see cref="JanusTransportReports.Drained"/> after the events, or
    /// <see cref="JanusTransportReports.SessionGone"/>.
    /// </summary>
    public sealed record Drain(long JanusSessionId) : INoSerializationVerificationNeeded;

    /// <summary>A WebSocket session stopped: sent through the pool, its shared connection forgets its routes.</summary>
    public sealed record SessionStopped : INoSerializationVerificationNeeded
    {
        public static readonly SessionStopped Instance = new();
    }

    /// <summary>REST only: long-poll events of this Janus session (again, after <see cref="StopPolling"/>); a loop already running goes on.</summary>
    public sealed record StartPolling(long JanusSessionId) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only: poll no more once the long poll out comes back (it is not cancelled: what it brings is still forwarded). A
    /// session without handles has no events to poll for.
    /// </summary>
    public sealed record StopPolling : INoSerializationVerificationNeeded
    {
        public static readonly StopPolling Instance = new();
    }
}

/// <summary>What a transport tells its session.</summary>
internal static class JanusTransportReports
{
    // Between a transport and its session, always on one node: never serialized, not even by serialize-messages.

    /// <summary>
    /// The transport is ready for requests; its sender is the actor to send them to (a session's shared connection, or
    /// its REST child). A shared WebSocket asks Janus for <c>info</c> once and hands the answer to every session on it
    /// (<paramref name="ServerInfo"/>); null when the session must ask itself.
    /// </summary>
    public sealed record Connected(JanusTransportKind Kind, JanusMessage? ServerInfo = null) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The shared WebSocket a session uses broke, was closed, could not be opened, or is not open for a
    /// <see cref="JanusTransportCommands.Send"/>: every session on it claims again. Sent by <see cref="JanusConnectionActor"/>.
    /// </summary>
    public sealed record ConnectionLost(string Reason) : INoSerializationVerificationNeeded;

    /// <summary>REST only: what Janus had queued for the session has been forwarded (see <see cref="JanusTransportCommands.Drain"/>).</summary>
    public sealed record Drained(long JanusSessionId) : INoSerializationVerificationNeeded;

    /// <summary>A well-formed message from Janus, a reply or an event.</summary>
    public sealed record Received(JanusMessage Message) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only: the request with this <paramref name="Transaction"/> got no answer (refused, closed, an HTTP error): it has
    /// failed; the transport goes on. <paramref name="Unreachable"/>: Janus could not be reached at all (then every REST
    /// session of the server is told <see cref="ConnectionLost"/> too). A request that is only late is left to its timeout.
    /// </summary>
    public sealed record SendFailed(string Transaction, string Reason, bool Unreachable) : INoSerializationVerificationNeeded;

    /// <summary>
    /// REST only: the long poll was answered 404/458, Janus no longer knows the session; polling has stopped.
    /// <see cref="Code"/> is 458 (session not found) also for the bare HTTP 404 that Janus 1.1.2 sends.
    /// </summary>
    public sealed record SessionGone(long JanusSessionId, int Code, string Reason) : INoSerializationVerificationNeeded;
}

/// <summary>
/// The connection to Janus failed (refused, dropped, closed, unusable). Thrown by a transport actor so that its
/// supervisor acts: a shared connection is restarted and tells its sessions <see cref="JanusTransportReports.ConnectionLost"/>.
/// A REST transport reports a failed request instead (<see cref="JanusTransportReports.SendFailed"/>) and throws only on a
/// misuse, which makes its session claim again over a fresh one.
/// </summary>
public sealed class JanusTransportException(string message, Exception? inner = null) : JanusException(message, inner);
