using System.Runtime.Serialization;

namespace Janus.Actors.Sessions;

// A session replies with the exceptions below (in a Status.Failure). In a cluster the reply crosses nodes through
// Akka.Remote's ExceptionSupport, which reads GetObjectData and rebuilds the exception through its
// (SerializationInfo, StreamingContext) constructor: without that constructor the caller gets a null cause.
// Both members are obsolete for BinaryFormatter's sake (SYSLIB0051, CS0672 on the override), and Akka still needs them.
// Custom values are strings, ints and longs only: Akka serializes those itself, anything else would go to Newtonsoft.
#pragma warning disable SYSLIB0051, CS0672

/// <summary>
/// Claiming a Janus session failed: on recovery after a crash, after a lost connection, or when adopting an id.
/// <see cref="IsFinal"/> failures (Janus answered 458 session not found, 403 unauthorized, 457 invalid path)
/// end the session as lost and are never retried; others are retried with backoff inside the reclaim window.
/// </summary>
public sealed class JanusSessionReclaimException : JanusException
{
    private readonly bool _windowLapsed;

    public JanusSessionReclaimException(string sessionKey, long janusSessionId, int? janusCode, string reason, Exception? inner = null, bool windowLapsed = false)
        : base($"Could not claim Janus session for '{sessionKey}': {(janusCode is { } c ? $"{c} " : "")}{reason}", inner)
    {
        SessionKey = sessionKey;
        JanusSessionId = janusSessionId;
        JanusCode = janusCode;
        Reason = reason;
        _windowLapsed = windowLapsed;
    }

    private JanusSessionReclaimException(SerializationInfo info, StreamingContext context) : base(info, context)
    {
        SessionKey = info.GetString(nameof(SessionKey))!;
        JanusSessionId = info.GetInt64(nameof(JanusSessionId));
        JanusCode = (int?)info.GetValue(nameof(JanusCode), typeof(int?));
        Reason = info.GetString(nameof(Reason))!;
        _windowLapsed = info.GetInt32(WindowLapsedField) != 0;
    }

    private const string WindowLapsedField = "WindowLapsed";

    public string SessionKey { get; }

    /// <summary>The Janus session id that was claimed. A capability: do not show it to unauthenticated users.</summary>
    public long JanusSessionId { get; }

    /// <summary>Janus's error code, or null when Janus did not answer (refused connection, timeout).</summary>
    public int? JanusCode { get; }

    public string Reason { get; }

    /// <summary>
    /// True when retrying cannot help: Janus refused the claim (458 session not found, 403 unauthorized,
    /// 457 invalid request path), or the reclaim window lapsed while Janus was unreachable.
    /// </summary>
    public bool IsFinal => _windowLapsed || JanusCode is { } code && ClaimFailures.EndsTheSession(code);

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(SessionKey), SessionKey);
        info.AddValue(nameof(JanusSessionId), JanusSessionId);
        info.AddValue(nameof(JanusCode), JanusCode);
        info.AddValue(nameof(Reason), Reason);
        info.AddValue(WindowLapsedField, _windowLapsed ? 1 : 0); // an int: Akka has no serializer of its own for bool
    }
}

/// <summary>Janus answered a request with an error.</summary>
public sealed class JanusRequestException : JanusException
{
    public JanusRequestException(string request, int code, string reason) : base($"Janus refused {request}: {code} {reason}")
    {
        Request = request;
        JanusCode = code;
        Reason = reason;
    }

    private JanusRequestException(SerializationInfo info, StreamingContext context) : base(info, context)
    {
        Request = info.GetString(nameof(Request))!;
        JanusCode = info.GetInt32(nameof(JanusCode));
        Reason = info.GetString(nameof(Reason))!;
    }

    public string Request { get; }
    public int JanusCode { get; }
    public string Reason { get; }

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(Request), Request);
        info.AddValue(nameof(JanusCode), JanusCode);
        info.AddValue(nameof(Reason), Reason);
    }
}

/// <summary>The session cannot take the request now (it is being reclaimed, lost, or destroyed) or it timed out.</summary>
public sealed class JanusSessionUnavailableException : JanusException
{
    public JanusSessionUnavailableException(string sessionKey, JanusSessionStatus state, string message)
        : base($"Session '{sessionKey}' is {state.ToString().ToLowerInvariant()}: {message}")
    {
        SessionKey = sessionKey;
        State = state;
    }

    private JanusSessionUnavailableException(SerializationInfo info, StreamingContext context) : base(info, context)
    {
        SessionKey = info.GetString(nameof(SessionKey))!;
        State = Enum.Parse<JanusSessionStatus>(info.GetString(nameof(State))!);
    }

    public string SessionKey { get; }
    public JanusSessionStatus State { get; }

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(SessionKey), SessionKey);
        info.AddValue(nameof(State), State.ToString()); // by name: a boxed enum would go to Newtonsoft
    }
}

/// <summary>No session has this key.</summary>
public sealed class JanusSessionNotFoundException : JanusException
{
    public JanusSessionNotFoundException(string sessionKey) : base($"No session '{sessionKey}'") => SessionKey = sessionKey;

    private JanusSessionNotFoundException(SerializationInfo info, StreamingContext context) : base(info, context) =>
        SessionKey = info.GetString(nameof(SessionKey))!;

    public string SessionKey { get; }

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(SessionKey), SessionKey);
    }
}

/// <summary>A session with this key exists already.</summary>
public sealed class JanusSessionExistsException : JanusException
{
    public JanusSessionExistsException(string sessionKey) : base($"Session '{sessionKey}' exists already") => SessionKey = sessionKey;

    private JanusSessionExistsException(SerializationInfo info, StreamingContext context) : base(info, context) =>
        SessionKey = info.GetString(nameof(SessionKey))!;

    public string SessionKey { get; }

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(SessionKey), SessionKey);
    }
}

#pragma warning restore SYSLIB0051, CS0672

/// <summary>
/// The session did not answer in time (e.g. a request waited behind a long reclaim). Nothing is known about the
/// request's outcome in Janus; the session itself is not affected.
/// </summary>
/// <remarks>Raised on the caller's side by <see cref="Hosting.IJanusSessions"/>, so it never crosses nodes.</remarks>
public sealed class JanusSessionTimeoutException(string? sessionKey, TimeSpan timeout, Exception inner)
    : JanusException(sessionKey is null ? $"No answer within {timeout}" : $"Session '{sessionKey}' did not answer within {timeout}", inner)
{
    /// <summary>The session asked, or null for requests about every session.</summary>
    public string? SessionKey { get; } = sessionKey;
    public TimeSpan Timeout { get; } = timeout;
}
