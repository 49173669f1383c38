using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>
/// How the session supervisor treats a failed session actor. A claim Janus refused for good (458, 403, 457)
/// or a lapsed reclaim window stops the session (it has already persisted itself as lost); a transient
/// claim failure (Janus unreachable, socket dropped, timeout) restarts it, and the restarted session
/// waits out its backoff before claiming again. Anything else restarts too: recovery from the journal
/// and a fresh claim are always safe.
/// </summary>
public static class ClaimFailureDecider
{
    public static Directive Decide(Exception failure) => failure switch
    {
        SessionReclaimException { IsFinal: true } => Directive.Stop,
        SessionReclaimException => Directive.Restart,
        ActorInitializationException => Directive.Stop,
        _ => Directive.Restart,
    };

    public static SupervisorStrategy Strategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, localOnlyDecider: Decide);
}
