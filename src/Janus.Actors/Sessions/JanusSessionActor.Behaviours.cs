using Akka.Actor;
using Akka.Persistence;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// What a session does with each message, by phase (see the diagram in JanusSessionActor.cs).
internal sealed partial class JanusSessionActor
{
    // Plain switches rather than ReceivePersistentActor's Command<T>: those build a handler table per instance and per
    // Become, which cost a fifth of the actor time of ten thousand sessions coming back at once (measured).

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case IJanusSessionEvent e:
                _state = _state.Apply(e);
                return true;
            case RecoveryCompleted:
                OnRecovered();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The one place a session changes state: its phase, and with it the status callers and subscribers see and the
    /// behaviour that handles its messages, move together, along the legal moves only (<see cref="SessionPhases.CanMove"/>).
    /// </summary>
    private void Enter(SessionPhase phase)
    {
        if (!SessionPhases.CanMove(_phase, phase))
            throw new InvalidOperationException($"Session {_key} cannot move from {_phase} to {phase}");
        if (_phase == SessionPhase.Active) AbandonResync();
        _phase = phase;
        Become(phase switch
        {
            SessionPhase.Idle => Idle,
            SessionPhase.Creating => Creating,
            SessionPhase.Discarded => Discarded,
            SessionPhase.Reclaiming => Reclaiming,
            SessionPhase.Active => Active,
            _ => Ended, // stranded, lost, destroyed: answer what it is, refuse the rest
        });
    }

    /// <summary>What callers and subscribers see.</summary>
    private JanusSessionStatus Status => SessionPhases.StatusOf(_phase);

    /// <summary>
    /// Recovered on a Janus server the configuration no longer has (and not marked retired): it cannot claim, and must not
    /// end — Janus may well still hold the session. It shows reclaiming, and behaves like an ended session (answers what
    /// it is, refuses the rest) while its registry stops the node.
    /// </summary>
    private void Strand()
    {
        _state = _state with { LastError = new JanusSessionError(null, $"its Janus server '{_state.Server}' is not configured") };
        Enter(SessionPhase.Stranded);
        ReportChanged(); // its registry sees the server is not configured
    }

    /// <summary>Until recovery completes and picks a behaviour below; never called with a command before that.</summary>
    protected override bool ReceiveCommand(object message) => Idle(message);

    /// <summary>Nothing persisted: waiting for a create or an adoption.</summary>
    private bool Idle(object message)
    {
        switch (message)
        {
            case CreateSession create:
                StartCreation(create);
                return true;
            case IJanusSessionCommand:
                // A region routes requests for an unknown key here: answer, and leave no session (or remembered entity) behind.
                Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(_key)));
                StopSession();
                return true;
            case StopEndedSession:
                Context.Stop(Self);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Creating or adopting: the transport connects, then create/claim, then persist.</summary>
    private bool Creating(object message)
    {
        switch (message)
        {
            case JanusTransportReports.Connected connected when IsAnswerToConnect():
                OnConnected(connected);
                SendCreateOrAdopt();
                return true;
            case SessionPlaced placed:
                OnPlaced(placed);
                return true;
            case TransportFailed or JanusTransportReports.ConnectionLost when TransportFailure(message) is { } reason:
                ForgetFailedRestLink(message);
                if (!TriedAnotherServer($"unreachable: {reason}"))
                    FailCreation(new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, $"Janus server '{_state.Server}' unreachable: {reason}"));
                return true;
            case JanusTransportReports.SendFailed { Unreachable: true } failed when Sender.Equals(_transport):
                // A create or adoption that could not reach Janus's HTTP transport: the server is unreachable.
                if (!TriedAnotherServer($"unreachable: {failed.Reason}")) OnSendFailed(failed);
                return true;
            default:
                if (!WithJanusSession(message)) Stash.Stash();
                return true;
        }
    }

    /// <summary>Recovered with a live Janus id: waiting for the transport, then the claim.</summary>
    private bool Reclaiming(object message)
    {
        switch (message)
        {
            case ConnectTransport:
                Connect();
                return true;
            case JanusTransportReports.Connected connected when IsAnswerToConnect():
                OnConnected(connected);
                ClaimOnFreshTransport();
                return true;
            case JanusTransportReports.Drained:
                if (Sender.Equals(_transport)) SendClaim();
                return true;
            case JanusTransportReports.SessionGone gone:
                EndAsGoneWhileReclaiming(gone.Code, gone.Reason);
                return true;
            case TransportFailed or JanusTransportReports.ConnectionLost when TransportFailure(message) is { } reason:
                // A shared connection warns once per outage for all its sessions; a REST child's failure is this session's own.
                ForgetFailedRestLink(message);
                FailReclaim(null, $"transport failed: {reason}", reportedByConnection: message is JanusTransportReports.ConnectionLost);
                return true;
            default:
                if (!WithJanusSession(message)) Stash.Stash();
                return true;
        }
    }

    /// <summary>Claimed or created: requests flow, keep-alives run.</summary>
    private bool Active(object message)
    {
        switch (message)
        {
            case KeepAliveTick:
                SendKeepAlive();
                return true;
            case JanusTransportReports.SessionGone gone:
                EndAsGone(gone.Code, gone.Reason);
                return true;
            case TransportFailed or JanusTransportReports.ConnectionLost when TransportFailure(message) is { } reason:
                ForgetFailedRestLink(message);
                Reconnect($"transport failed: {reason}");
                return true;
            case AttachHandle c:
                SendAttach(c);
                return true;
            case SendPluginMessage c:
                SendPluginMessage(c);
                return true;
            case Trickle c:
                SendDone(JanusRequests.Trickle(NextTransaction(), JanusId, c.HandleId, c.Candidate));
                return true;
            case Hangup c:
                SendDone(JanusRequests.Hangup(NextTransaction(), JanusId, c.HandleId));
                return true;
            case DetachHandle c:
                SendDetach(c);
                return true;
            case DestroySession:
                SendDestroy();
                return true;
            default:
                return WithJanusSession(message);
        }
    }

    /// <summary>What every behaviour with a transport handles alike: Janus's messages, timeouts, reads, duplicate creates.</summary>
    private bool WithJanusSession(object message)
    {
        if (Resyncing(message)) return true;
        switch (message)
        {
            case JanusTransportReports.Received received:
                // What a replaced transport still delivers belongs to requests that have already failed; a REST child's
                // events are the session's whenever they come (its long poll goes on through a reclaim).
                if (Sender.Equals(_transport) || (Sender.Equals(_rest) && JanusMessageKinds.IsEvent(received.Message.Janus)))
                    OnReceived(received.Message);
                return true;
            case JanusTransportReports.SendFailed failed:
                if (Sender.Equals(_rest)) OnSendFailed(failed);
                return true;
            case TransportFailed or JanusTransportReports.Drained or JanusTransportReports.Connected or JanusTransportReports.ConnectionLost:
                return true; // a replaced transport's, or a shared connection's news for a session not using it now
            case RequestTimedOut timedOut:
                OnRequestTimedOut(timedOut);
                return true;
            case RequestHeldBack held:
                FailUnanswered(held.Transaction, held.Reason);
                return true;
            case CreateSession:
                Sender.Tell(new Status.Failure(new JanusSessionExistsException(_key)));
                return true;
            case GetSession:
                Sender.Tell(Snapshot());
                return true;
            default:
                return false;
        }
    }

    /// <summary>A create or adoption failed and nothing was persisted: the key is free, the actor is stopping.</summary>
    private bool Discarded(object message)
    {
        switch (message)
        {
            case IJanusSessionCommand:
                Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(_key)));
                return true;
            case StopEndedSession:
                Context.Stop(Self);
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// Lost or destroyed (or stranded: <see cref="Strand"/>): answers what it is, refuses the rest, is forgotten once its
    /// retention has passed (<see cref="Forgetting"/>), and stops when told.
    /// </summary>
    private bool Ended(object message)
    {
        if (Forgetting(message)) return true;
        switch (message)
        {
            case JanusServerActor.HandlesRead or ResyncTimedOut: // a resync cut short by the end
                return true;
            case StopEndedSession:
                Context.Stop(Self);
                return true;
            case CreateSession:
                Sender.Tell(new Status.Failure(new JanusSessionExistsException(_key)));
                return true;
            case GetSession:
                Sender.Tell(Snapshot());
                return true;
            default:
                Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, Status,
                    _phase == SessionPhase.Stranded ? _state.LastError!.Reason : "the session has ended")));
                return true;
        }
    }
}
