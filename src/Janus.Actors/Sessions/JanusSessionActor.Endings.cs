using Akka.Actor;
using Akka.Event;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// Endings: detached handles, destroyed or lost sessions, and journal failures.
internal sealed partial class JanusSessionActor
{
    private void PersistDetached(long handleId, IActorRef replyTo) =>
        PersistFor(replyTo, new HandleDetached(handleId), e =>
        {
            _state = _state.Apply(e);
            ReportChanged();
            PollWhileHandles();
            replyTo.Tell(CommandDone.Instance);
        });

    private void EndAsDestroyed(IActorRef replyTo) =>
        PersistFor(replyTo, new SessionDestroyed(), e =>
        {
            _state = _state.Apply(e);
            Log.Info("Destroyed Janus session of {SessionKey}", _key);
            Enter(SessionPhase.Destroyed);
            End();
            replyTo.Tell(CommandDone.Instance);
            StopSession();
        });

    /// <summary>Janus no longer has the session. Persisted so no later recovery claims it again; then it passivates (<see cref="StopSession"/>).</summary>
    private void EndAsLost(int? code, string reason, bool quietly = false)
    {
        if (_phase is SessionPhase.Lost or SessionPhase.Destroyed) return;
        Enter(SessionPhase.Lost); // at once: nothing else is handled while the end is written
        Persist(new SessionLost(code, reason), e =>
        {
            _state = _state.Apply(e);
            if (quietly) Log.Info("Session {SessionKey} lost: {Code} {Reason}", _key, code, reason);
            else Log.Warning("Session {SessionKey} lost: {Code} {Reason}", _key, code, reason);
            End();
            StopSession();
        });
    }

    /// <summary>The session entered Lost or Destroyed and its end is persisted: everyone waiting or listening learns it.</summary>
    private void End()
    {
        Timers.CancelAll();
        FailAllPending(new JanusSessionUnavailableException(_key, Status, "the session has ended"));
        ReportChanged();
        _registry.Tell(new Publish(new SessionEnded(_key, Status, _state.LastError)));
        Stash.UnstashAll();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal is down: the actor stops (Akka's rule for persistence failures) and its region
        // starts it again with backoff. Whoever waits for this write learns now, not after a timeout.
        var failure = new JanusSessionUnavailableException(_key, Status, $"journal unavailable: {cause.Message}");
        if (_creation is { } creation)
        {
            creation.ReplyTo.Tell(new Status.Failure(failure));
            _registry.Tell(new SessionDiscarded(_key));
            StopSession(); // nothing was persisted: its region has nothing to start again
        }
        _awaitingJournal?.Tell(new Status.Failure(failure));
        FailAllPending(failure);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
