namespace Janus.Actors.Sessions;

/// <summary>
/// Claiming a Janus session failed: on recovery after a crash, after a lost connection, or when adopting an id.
/// <see cref="IsFinal"/> failures (Janus answered 458 session not found, 403 unauthorized, 457 invalid path)
/// end the session as lost and are never retried; others are retried with backoff inside the reclaim window.
/// </summary>
public sealed class SessionReclaimException(string sessionKey, long janusSessionId, int? janusCode, string reason, Exception? inner = null, bool windowLapsed = false)
    : Exception($"Could not claim Janus session for '{sessionKey}': {(janusCode is { } c ? $"{c} " : "")}{reason}", inner)
{
    public string SessionKey { get; } = sessionKey;

    /// <summary>The Janus session id that was claimed. A capability: do not show it to unauthenticated users.</summary>
    public long JanusSessionId { get; } = janusSessionId;

    /// <summary>Janus's error code, or null when Janus did not answer (refused connection, timeout).</summary>
    public int? JanusCode { get; } = janusCode;

    public string Reason { get; } = reason;

    /// <summary>
    /// True when retrying cannot help: Janus refused the claim (458 session not found, 403 unauthorized,
    /// 457 invalid request path), or the reclaim window lapsed while Janus was unreachable.
    /// </summary>
    public bool IsFinal => windowLapsed || JanusCode is 458 or 403 or 457;

    /// <summary>Consecutive failed reclaims so far; the restarted session waits longer before the next.</summary>
    internal int Attempt { get; init; }

    /// <summary>When Janus will have given up on the session; no reclaim is tried past it.</summary>
    internal DateTimeOffset Deadline { get; init; }
}

/// <summary>Janus answered a request with an error.</summary>
public sealed class JanusRequestException(string request, int code, string reason)
    : Exception($"Janus refused {request}: {code} {reason}")
{
    public string Request { get; } = request;
    public int JanusCode { get; } = code;
    public string Reason { get; } = reason;
}

/// <summary>The session cannot take the request now (it is being reclaimed, lost, or destroyed) or it timed out.</summary>
public sealed class JanusSessionUnavailableException(string sessionKey, JanusSessionStatus state, string message)
    : Exception($"Session '{sessionKey}' is {state.ToString().ToLowerInvariant()}: {message}")
{
    public string SessionKey { get; } = sessionKey;
    public JanusSessionStatus State { get; } = state;
}

/// <summary>No session has this key.</summary>
public sealed class JanusSessionNotFoundException(string sessionKey) : Exception($"No session '{sessionKey}'")
{
    public string SessionKey { get; } = sessionKey;
}

/// <summary>A session with this key exists already.</summary>
public sealed class JanusSessionExistsException(string sessionKey) : Exception($"Session '{sessionKey}' exists already")
{
    public string SessionKey { get; } = sessionKey;
}

/// <summary>
/// The session did not answer in time (e.g. a request waited behind a long reclaim). Nothing is known about the
/// request's outcome in Janus; the session itself is not affected.
/// </summary>
public sealed class JanusSessionTimeoutException(string? sessionKey, TimeSpan timeout, Exception inner)
    : TimeoutException(sessionKey is null ? $"No answer within {timeout}" : $"Session '{sessionKey}' did not answer within {timeout}", inner)
{
    /// <summary>The session asked, or null for requests about every session.</summary>
    public string? SessionKey { get; } = sessionKey;
    public TimeSpan Timeout { get; } = timeout;
}
