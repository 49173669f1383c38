using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>
/// A snapshot of one session, as the API and the status page show it. <see cref="Reclaims"/> counts the reclaims since
/// the session's actor last started (this process's start, or in a cluster the node that hosts it now): 1 after a crash,
/// one more for each lost connection since, each counted once its <see cref="SessionReclaimed"/> is told (after its
/// handles were read). <see cref="Node"/> is the cluster node hosting the session
/// (<c>host:port</c>), or null outside a cluster. <see cref="Server"/> names the Janus server the session lives on
/// (<c>Janus:Servers</c>; <c>default</c> with the single-server settings). <see cref="LastResync"/> is what the last reclaim
/// found of the handles (<see cref="SessionReclaimed.Handles"/>); null until a reclaim has read them.
/// </summary>
public sealed record JanusSessionInfo(
    string Key,
    long? JanusSessionId,
    JanusSessionStatus State,
    JanusTransportKind Transport,
    IReadOnlyList<JanusHandle> Handles,
    JanusSessionError? LastError,
    int Reclaims,
    string? Node = null,
    string Server = Servers.JanusServerSettings.DefaultName,
    IReadOnlyList<HandleResync>? LastResync = null);

/// <summary>A plugin handle attached to a session, and what it is for when its session has learned it (<see cref="HandleContext"/>).</summary>
public sealed record JanusHandle(long HandleId, string Plugin, string? OpaqueId, HandleContext? Context = null);

/// <summary>A Janus error code (null when the failure was not an answer from Janus) and its reason.</summary>
public sealed record JanusSessionError(int? Code, string Reason);
