using Akka.Actor;
using Akka.Event;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>
/// How the session supervisor treats a failed session actor. A claim Janus refused for good (458, 403, 457)
/// or a lapsed reclaim window stops the session (it has already persisted itself as lost). Transient claim
/// failures never get here: the session retries them itself, on a timer. Anything else restarts it: recovery
/// from the journal and a fresh claim are always safe.
/// </summary>
internal static class ClaimFailureDecider
{
    public static Directive Decide(Exception failure) => failure switch
    {
        JanusSessionReclaimException { IsFinal: true } => Directive.Stop,
        ActorInitializationException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Unlimited retries (the backoff and the reclaim deadline bound them), decided by <see cref="Decide"/>.</summary>
    public static SupervisorStrategy Strategy() => new ClaimFailureStrategy();

    /// <summary>
    /// A failed claim is an expected event, not a crash: one warning line with the session key, code and reason,
    /// instead of an error with a stack trace per attempt (a Janus outage would flood the log with them).
    /// </summary>
    private sealed class ClaimFailureStrategy() : OneForOneStrategy(Decide)
    {
        protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive)
        {
            if (cause is not JanusSessionReclaimException reclaim)
            {
                base.LogFailure(context, child, cause, directive);
                return;
            }
            context.GetLogger().Warning("Claim for {SessionKey} failed ({Directive}): {JanusCode} {Reason}",
                reclaim.SessionKey, directive, reclaim.JanusCode, reclaim.Reason);
        }
    }
}
