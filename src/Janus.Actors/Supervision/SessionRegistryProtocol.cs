using Akka.Actor;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Supervision;

/// <summary>Messages between session actors, their region and the registry of sessions (<see cref="JanusSessionRegistry"/>).</summary>
internal static class SessionRegistryProtocol
{
    // SessionChanged, Publish and SessionDiscarded go from a session to its node's registry:
    // never serialized, not even by serialize-messages. ListSessions and SessionList cross nodes (JanusMessageSerializer).

    /// <summary>A session's new snapshot (state, handles, last error).</summary>
    internal sealed record SessionChanged(JanusSessionInfo Info) : INoSerializationVerificationNeeded;

    /// <summary>A notice to fan out to the session's subscribers.</summary>
    internal sealed record Publish(IJanusSessionNotice Notice) : INoSerializationVerificationNeeded;

    /// <summary>A create or adoption failed before anything was persisted: the key is free again.</summary>
    internal sealed record SessionDiscarded(string Key) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The stop message of an ended session's <c>Passivate</c>, on one node (<see cref="LocalSessionRegion"/>) as in a
    /// cluster (sharding): its region holds new requests for it, sends this behind whatever the session already has, and
    /// starts it again if requests arrived meanwhile.
    /// </summary>
    internal sealed record StopEndedSession : INoSerializationVerificationNeeded
    {
        public static readonly StopEndedSession Instance = new();
    }

    /// <summary>From the <see cref="LocalSessionRegion"/>: the journal was read and these persisted sessions were started.</summary>
    internal sealed record ScanCompleted(IReadOnlyList<string> Keys) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From a session created without a named server: where should it live? Answered with <see cref="SessionPlaced"/>;
    /// asked again, with the servers already <paramref name="Tried"/>, when one refused (472) or could not be reached.
    /// </summary>
    internal sealed record PlaceSession(string Key, JanusTransportKind Transport, string? Zone, IReadOnlyList<string> Tried)
        : INoSerializationVerificationNeeded;

    /// <summary>The server chosen for a <see cref="PlaceSession"/>, or why none can take it.</summary>
    internal sealed record SessionPlaced(string? Server, string? Refusal) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From a session created on the server its create named: it counts there from now, as a placed one does, until it
    /// reports or fails. Told to the registry of the node the session lives on, which is the one that hears its end.
    /// </summary>
    internal sealed record CreatingOn(string Key, string Server, JanusTransportKind Transport) : INoSerializationVerificationNeeded;

    /// <summary>A session recovered on a Janus server the configuration does not have: it waits, neither claimed nor ended.</summary>
    internal sealed record SessionOnUnknownServer(string Server) : INoSerializationVerificationNeeded;

    /// <summary>Answered with a <see cref="ServerList"/>: every configured Janus server as this node sees it.</summary>
    internal sealed record ListServers : INoSerializationVerificationNeeded
    {
        public static readonly ListServers Instance = new();
    }

    /// <summary>The answer to <see cref="ListServers"/>.</summary>
    internal sealed record ServerList(IReadOnlyList<Servers.JanusServerStatus> Servers) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Drain (or undrain) a server: answered with <see cref="Servers.JanusDrainResult"/>, or a failure carrying
    /// <see cref="Servers.JanusServerNotFoundException"/>.
    /// </summary>
    internal sealed record DrainServer(string Server, bool Drain) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Between the registries of a cluster, on the pub-sub topic <c>janus-servers</c>: a drain or undrain asked on one
    /// node, for all.
    /// </summary>
    internal sealed record ServerDrainChanged(string Server, bool Drained);

    /// <summary>
    /// Between the registries of a cluster, every <see cref="JanusOptions.ServerProbeInterval"/>: the live sessions a node
    /// hosts on each server (placements in flight included), so placement weighs the whole cluster, and the REST sessions
    /// among them, so that every node keeps the server's HTTP connections inside its budget (null from a node of a release
    /// before REST budgets: read as none).
    /// </summary>
    internal sealed record ServerLoadReport(string Node, IReadOnlyDictionary<string, long> Live, IReadOnlyDictionary<string, long>? LiveRest = null);

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
