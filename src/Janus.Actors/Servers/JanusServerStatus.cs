using Janus.Actors.Diagnostics;

namespace Janus.Actors.Servers;

/// <summary>What a Janus server is doing, as this host sees it.</summary>
public enum JanusServerState
{
    /// <summary>Answers <c>info</c> and takes new sessions.</summary>
    Up,

    /// <summary>Takes no new sessions (drained here, or Janus says <c>accepting-new-sessions: false</c>); its sessions keep working.</summary>
    Draining,

    /// <summary>Did not answer its last <c>info</c> probe.</summary>
    Unreachable,

    /// <summary>Marked <see cref="JanusServerSettings.Retired"/>: nothing is placed there.</summary>
    Retired,
}

/// <summary>One Janus server as placement and <c>GET /v1/servers</c> see it.</summary>
/// <param name="Name">Its configured name.</param>
/// <param name="State">Up, draining, unreachable or retired.</param>
/// <param name="LiveSessions">
/// Sessions not ended on it: on one node exact (placements in flight included); in a cluster this node's own plus what the
/// other nodes last reported (every <see cref="JanusOptions.ServerProbeInterval"/>), so approximate by the sessions placed
/// elsewhere since.
/// </param>
/// <param name="Settings">How it is configured (capacity, weight, zone).</param>
/// <param name="Info">What its last <c>info</c> said; null before the first answer.</param>
/// <param name="Problem">Why it is unreachable (the last probe's failure); null otherwise.</param>
/// <param name="LiveRestSessions">The REST sessions among <paramref name="LiveSessions"/>, counted alike.</param>
/// <param name="RestSessionLimit">
/// REST sessions it can hold: <see cref="JanusServerSettings.RestConnectionLimit"/> less every node's
/// <see cref="JanusOptions.RestRequestConnections"/>; null when it has no REST URL. Placement offers no REST session to a
/// server at its limit (as if it had refused it: <see cref="JanusPlacementRequest.Tried"/>).
/// </param>
public sealed record JanusServerStatus(string Name, JanusServerState State, long LiveSessions, JanusServerSettings Settings,
    JanusServerInfo? Info, string? Problem, long LiveRestSessions = 0, long? RestSessionLimit = null);

/// <summary>A session to place: the create asked for no server.</summary>
/// <param name="Key">The session's key.</param>
/// <param name="Transport">Its transport: only a server with that transport's URL can take it.</param>
/// <param name="Zone">The zone the caller asked for, if any.</param>
/// <param name="Tried">
/// Servers this create already tried (they refused with 472, or could not be reached), and for a REST session the servers
/// at their REST connection budget: a selector must not choose them.
/// </param>
public sealed record JanusPlacementRequest(string Key, Transports.JanusTransportKind Transport, string? Zone, IReadOnlyList<string> Tried);

/// <summary>
/// Chooses the Janus server of each new session that names none (register one in the services to replace
/// <see cref="LeastLoadedServerSelector"/>). Called on the registry's actor for every such create: keep it fast and free of I/O.
/// </summary>
public interface IJanusServerSelector
{
    /// <summary>The server to create the session on, or null when none should take it (the create fails, saying so).</summary>
    /// <param name="request">The session and the servers it already tried.</param>
    /// <param name="servers">Every configured server, retired ones included, with its state and load.</param>
    JanusServerStatus? Select(JanusPlacementRequest request, IReadOnlyList<JanusServerStatus> servers);
}

/// <summary>What a drain or undrain did.</summary>
/// <param name="Server">The server afterwards.</param>
/// <param name="AdminProblem">
/// Null when Janus itself now refuses (drain) or accepts (undrain) new sessions through its Admin API; otherwise why not
/// (no Admin API configured, or it failed) — placement skips a drained server either way.
/// </param>
public sealed record JanusDrainResult(JanusServerStatus Server, string? AdminProblem);
