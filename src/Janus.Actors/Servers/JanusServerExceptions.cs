using System.Runtime.Serialization;

namespace Janus.Actors.Servers;

// Crossing cluster nodes in a Status.Failure needs the (SerializationInfo, StreamingContext) constructor: see
// JanusSessionExceptions.cs.
#pragma warning disable SYSLIB0051, CS0672

/// <summary>
/// A request named a Janus server the configuration (<c>Janus:Servers</c>) does not have, or an adoption named none
/// while several are configured (the adopted id lives on one of them).
/// </summary>
public sealed class JanusServerNotFoundException : JanusException
{
    public JanusServerNotFoundException(string? server, IEnumerable<string> configured)
        : base(server is null
            ? $"Adopting a Janus session needs the server it lives on: several are configured ({string.Join(", ", configured)})"
            : $"No Janus server '{server}' is configured (servers: {string.Join(", ", configured)})") => Server = server;

    private JanusServerNotFoundException(SerializationInfo info, StreamingContext context) : base(info, context) =>
        Server = info.GetString(nameof(Server));

    /// <summary>The name asked for; null when an adoption named none.</summary>
    public string? Server { get; }

    /// <inheritdoc />
    public override void GetObjectData(SerializationInfo info, StreamingContext context)
    {
        base.GetObjectData(info, context);
        info.AddValue(nameof(Server), Server);
    }
}

/// <summary>
/// No Janus server can take a new session now: every one is draining, retired, full or unreachable, or the named one is
/// draining or retired, or refused it (472). The message says which.
/// </summary>
public sealed class JanusNoServerAvailableException : JanusException
{
    public JanusNoServerAvailableException(string reason) : base(reason)
    {
    }

    private JanusNoServerAvailableException(SerializationInfo info, StreamingContext context) : base(info, context)
    {
    }
}

#pragma warning restore SYSLIB0051, CS0672

/// <summary>
/// Janus's Admin API answered a request (<see cref="JanusAdminClient"/>) with an error. Raised and handled on its node:
/// it never crosses cluster nodes.
/// </summary>
public sealed class JanusAdminException(string request, int code, string reason)
    : JanusException($"Janus's Admin API refused {request}: {code} {reason}")
{
    /// <summary>The admin request, e.g. <c>accept_new_sessions</c>.</summary>
    public string Request { get; } = request;

    public int JanusCode { get; } = code;

    public string Reason { get; } = reason;
}
