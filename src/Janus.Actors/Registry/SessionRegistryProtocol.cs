using Akka.Actor;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Registry;

/// <summary>Messages to and between the registries of sessions (<see cref="JanusSessionRegistry"/>), from the façade, the region and the other nodes.</summary>
internal static class SessionRegistryProtocol
{
    // ListSessions and SessionList cross nodes (JanusMessageSerializer); the rest stay on their node. What a session tells
    // its registry is the session's own: Sessions.SessionReports.

    /// <summary>From the <see cref="LocalSessionRegion"/>: the journal was read and these persisted sessions were started.</summary>
    internal sealed record ScanCompleted(IReadOnlyList<string> Keys) : INoSerializationVerificationNeeded;

    /// <summary>Answered with a <see cref="ServerList"/>: every configured Janus server as this node sees it.</summary>
    internal sealed record ListServers : IServerBoardMessage, INoSerializationVerificationNeeded
    {
        public static readonly ListServers Instance = new();
    }

    /// <summary>The answer to <see cref="ListServers"/>.</summary>
    internal sealed record ServerList(IReadOnlyList<Servers.JanusServerStatus> Servers) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Drain (or undrain) a server: answered with <see cref="Servers.JanusDrainResult"/>, or a failure carrying
    /// <see cref="Servers.JanusServerNotFoundException"/>.
    /// </summary>
    internal sealed record DrainServer(string Server, bool Drain) : IServerBoardMessage, INoSerializationVerificationNeeded;

    /// <summary>
    /// Between the registries of a cluster, on the pub-sub topic <c>janus-servers</c>: a drain or undrain asked on one
    /// node, for all.
    /// </summary>
    internal sealed record ServerDrainChanged(string Server, bool Drained) : IServerBoardMessage;

    /// <summary>
    /// Between the registries of a cluster, every <see cref="JanusOptions.ServerProbeInterval"/>: the live sessions a node
    /// hosts on each server (placements in flight included), so placement weighs the whole cluster, and the REST sessions
    /// among them, so that every node keeps the server's HTTP connections inside its budget (null from a node of a release
    /// before REST budgets: read as none).
    /// </summary>
    internal sealed record ServerLoadReport(string Node, IReadOnlyDictionary<string, long> Live, IReadOnlyDictionary<string, long>? LiveRest = null) : IServerBoardMessage;

    /// <summary>Answered with a <see cref="SessionList"/> of every session this registry knows.</summary>
    internal sealed record ListSessions
    {
        public static readonly ListSessions Instance = new();
    }

    /// <summary>
    /// In a cluster: answered with a <see cref="SessionList"/> of the sessions hosted on the receiving node (whereas
    /// <see cref="ListSessions"/> gathers the whole cluster's).
    /// </summary>
    internal sealed record ListNodeSessions
    {
        public static readonly ListNodeSessions Instance = new();
    }

    /// <summary>
    /// Asked of this node's registry by readiness probes; answered with <see cref="Readiness"/>. Local to the node: never
    /// serialized.
    /// </summary>
    internal sealed record GetReadiness : INoSerializationVerificationNeeded
    {
        public static readonly GetReadiness Instance = new();
    }

    /// <summary>
    /// Whether the registry knows every session it should: on a single node, false until the start-up scan has read the
    /// journal and every persisted session has reported (until then a request for one of them waits).
    /// <see cref="NotReadyReason"/> is null when ready.
    /// </summary>
    internal sealed record Readiness(string? NotReadyReason) : INoSerializationVerificationNeeded;

    /// <summary>The answer to <see cref="ListSessions"/> and <see cref="ListNodeSessions"/>.</summary>
    internal sealed record SessionList(IReadOnlyList<JanusSessionInfo> Sessions);
}

/// <summary>A message of the registry's placement board (<see cref="ServerBoardActor"/>), which the registry passes on as it is.</summary>
internal interface IServerBoardMessage;
