using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>
/// The one place that says which claim failures are final. A claim Janus refused for good (458, 403, 457) or a lapsed
/// reclaim window stops the session: it persists itself as lost, tells its subscribers and passivates. Anything else
/// (no connection, no answer, another error) is tried again after a backoff, inside the session, on a timer. The session
/// asks this decider rather than throwing for it: sharding, not this library, supervises a clustered session, so a
/// thrown failure could not mean the same on one node and in a cluster.
/// </summary>
internal static class ClaimFailureDecider
{
    public static Directive Decide(JanusSessionReclaimException failure) => failure.IsFinal ? Directive.Stop : Directive.Restart;
}
