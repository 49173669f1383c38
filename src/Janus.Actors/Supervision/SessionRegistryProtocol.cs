using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>Messages between session actors, their region and the registry of sessions (<see cref="JanusSessionRegistry"/>).</summary>
internal static class SessionRegistryProtocol
{
    // SessionChanged, Publish, SessionDiscarded and ServerInfoLearned go from a session to its node's registry:
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

    /// <summary>Janus's <c>info</c> as a session read it.</summary>
    internal sealed record ServerInfoLearned(int SessionTimeoutSeconds, int ReclaimSessionTimeoutSeconds) : INoSerializationVerificationNeeded;

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
