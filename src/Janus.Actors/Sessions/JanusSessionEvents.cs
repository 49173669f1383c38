using Janus.Actors.Servers;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>Marker for events a session persists in its journal. Serialized by <c>JanusEventSerializer</c>.</summary>
public interface IJanusSessionEvent;

/// <summary>What a session remembers across crashes: enough to claim its Janus session and know its handles.</summary>
internal static class JanusSessionEvents
{
    /// <summary>
    /// A Janus session now belongs to this key: created by us, or adopted by claiming an existing id, on the Janus server
    /// named <paramref name="Server"/> (journal manifest <c>created-v2</c>; one journaled before servers had names,
    /// <c>created</c>, replays on the server <see cref="JanusServerSettings.DefaultName"/>).
    /// </summary>
    public sealed record SessionCreated(long JanusSessionId, JanusTransportKind Transport, bool Adopted, string Server = JanusServerSettings.DefaultName)
        : IJanusSessionEvent;

    /// <summary>How <see cref="SessionCreated"/> was journaled before servers had names (manifest <c>created</c>): read, never written.</summary>
    public sealed record SessionCreatedBeforeServers(long JanusSessionId, JanusTransportKind Transport, bool Adopted);

    public sealed record HandleAttached(long HandleId, string Plugin, string? OpaqueId) : IJanusSessionEvent;

    public sealed record HandleDetached(long HandleId) : IJanusSessionEvent;

    /// <summary>What the handle is for changed (<see cref="HandleContext"/>; null: nothing any more), manifest <c>handle-context</c>.</summary>
    public sealed record HandleContextChanged(long HandleId, HandleContext? Context) : IJanusSessionEvent;

    /// <summary>
    /// Janus no longer has the session (e.g. 458) or it could not be reclaimed in time, <paramref name="At"/> (null: journaled
    /// before sessions were forgotten, read as long ago). Final.
    /// </summary>
    public sealed record SessionLost(int? Code, string Reason, DateTimeOffset? At = null) : IJanusSessionEvent;

    /// <summary>Destroyed on request, <paramref name="At"/> (null: journaled before sessions were forgotten, read as long ago). Final.</summary>
    public sealed record SessionDestroyed(DateTimeOffset? At = null) : IJanusSessionEvent;
}
