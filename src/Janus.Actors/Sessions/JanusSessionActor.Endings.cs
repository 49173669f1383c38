using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Janus.Actors.Diagnostics;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// Endings: detached handles, destroyed or lost sessions, forgetting them, and journal failures.
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
        PersistFor(replyTo, new SessionDestroyed(DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            Log.Info("Destroyed Janus session of {SessionKey}", _key);
            Enter(SessionPhase.Destroyed);
            End();
            replyTo.Tell(CommandDone.Instance);
        });

    /// <summary>Janus no longer has the session. Persisted so no later recovery claims it again; then it is kept for its retention (<see cref="End"/>).</summary>
    private void EndAsLost(int? code, string reason, bool quietly = false)
    {
        if (_phase is SessionPhase.Lost or SessionPhase.Destroyed) return;
        Enter(SessionPhase.Lost); // at once: nothing else is handled while the end is written
        Persist(new SessionLost(code, reason, DateTimeOffset.UtcNow), e =>
        {
            _state = _state.Apply(e);
            if (quietly) Log.Info("Session {SessionKey} lost: {Code} {Reason}", _key, code, reason);
            else Log.Warning("Session {SessionKey} lost: {Code} {Reason}", _key, code, reason);
            End();
        });
    }

    /// <summary>
    /// The session entered Lost or Destroyed and its end is persisted: everyone waiting or listening learns it, and it stays
    /// (answering what it is) until its retention has passed.
    /// </summary>
    private void End()
    {
        Timers.CancelAll();
        FailAllPending(new JanusSessionUnavailableException(_key, Status, "the session has ended"));
        ReportChanged();
        _registry.Tell(new Publish(new SessionEnded(_key, Status, _state.LastError)));
        JanusMetrics.SessionsEnded.Add(1, new KeyValuePair<string, object?>("reason", Status.ToName()));
        Stash.UnstashAll();
        ForgetWhenRetentionPassed();
    }

    /// <summary>
    /// An ended session stays, listed and answering what it is, for <see cref="JanusOptions.EndedSessionRetention"/> after
    /// its end (one journaled before ends had a time: not at all), on one node as in a cluster, where it stays a remembered
    /// entity so a node's death does not leave its events behind. Then it is forgotten (<see cref="Forget"/>).
    /// </summary>
    private void ForgetWhenRetentionPassed()
    {
        var left = _state.EndedAt is { } at ? at + _options.EndedSessionRetention - DateTimeOffset.UtcNow : TimeSpan.Zero;
        if (left > TimeSpan.Zero) Timers.StartSingleTimer(ForgetTimer, ForgetEndedSession.Instance, left);
        else Forget();
    }

    /// <summary>
    /// Deletes every event of the session through the journal (the session journal deletes the row the plugin would keep
    /// too, so nothing of the session is left), then tells the registry and passivates: the key is free for a new session,
    /// which starts from an empty journal. A delete the journal refuses is tried again later.
    /// </summary>
    private void Forget() => DeleteMessages(LastSequenceNr);

    /// <summary>What an ended session does once its retention has passed (part of the <c>Ended</c> behaviour).</summary>
    private bool Forgetting(object message)
    {
        switch (message)
        {
            case ForgetEndedSession:
                Forget();
                return true;
            case DeleteMessagesSuccess:
                Log.Debug("Session {SessionKey} forgotten", _key);
                JanusMetrics.SessionsForgotten.Add(1);
                _registry.Tell(new SessionForgotten(_key));
                StopSession();
                return true;
            case DeleteMessagesFailure failure:
                Log.Warning("Session {SessionKey} ended but could not be forgotten ({Reason}); trying again in {Delay}",
                    _key, failure.Cause.Message, _options.MaxReclaimBackoff);
                Timers.StartSingleTimer(ForgetTimer, ForgetEndedSession.Instance, _options.MaxReclaimBackoff);
                return true;
            default:
                return false;
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal is down: the actor stops (Akka's rule for persistence failures) and its region
        // starts it again with backoff. Whoever waits for this write learns now, not after a timeout.
        var failure = new JanusSessionUnavailableException(_key, Status, $"journal unavailable ({_options.Journal}): {cause.Message}");
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
