using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>Marker for events a session persists in its journal. Serialized by <c>JanusEventSerializer</c>.</summary>
public interface IJanusSessionEvent;

/// <summary>What a session remembers across crashes: enough to claim its Janus session and know its handles.</summary>
internal static class JanusSessionEvents
{
    /// <summary>A Janus session now belongs to this key: created by us, or adopted by claiming an existing id.</summary>
    public sealed record SessionCreated(long JanusSessionId, JanusTransportKind Transport, bool Adopted) : IJanusSessionEvent;

    public sealed record HandleAttached(long HandleId, string Plugin, string? OpaqueId) : IJanusSessionEvent;

    public sealed record HandleDetached(long HandleId) : IJanusSessionEvent;

    /// <summary>Janus no longer has the session (e.g. 458) or it could not be reclaimed in time. Final.</summary>
    public sealed record SessionLost(int? Code, string Reason) : IJanusSessionEvent;

    /// <summary>Destroyed on request. Final.</summary>
    public sealed record SessionDestroyed : IJanusSessionEvent;
}
