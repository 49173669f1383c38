using Janus.Actors.Protocol;

namespace Janus.Actors.Sessions;

/// <summary>
/// Which claim failures end a session — the design's "supervisor strategy maps claim failures to restart or stop", as a
/// plain function. Janus's answers that no retry can change (458 no such session, 403 unauthorized, 457 invalid path)
/// stop it: it persists itself as lost, tells its subscribers and passivates; so does a reclaim window that lapsed while
/// Janus was unreachable (the session decides that one itself, from its clock). Anything else (no connection, no answer,
/// another error) restarts the claim on a fresh transport after a backoff (<see cref="ReclaimBackoff"/>), inside the
/// session: nothing is replayed. It is a function rather than an Akka supervisor strategy because a clustered session is
/// supervised by sharding, not by this library: a thrown failure could not mean the same on one node and in a cluster.
/// </summary>
internal static class ClaimFailures
{
    /// <summary>True when Janus's answer to a claim (or an adoption) ends the session for good.</summary>
    public static bool EndsTheSession(int janusCode) =>
        (JanusErrorCode)janusCode is JanusErrorCode.SessionNotFound or JanusErrorCode.Unauthorized or JanusErrorCode.InvalidRequestPath;
}
