using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using static Janus.Actors.Supervision.SessionRegistryProtocol;
using Janus.Actors.Supervision;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

// Reclaim after a restart or a lost transport: a fresh transport, the claim, retries on a timer until Janus answers or the window lapses.
internal sealed partial class JanusSessionActor
{
    /// <summary>
    /// Claims the recovered id on a fresh transport: at once on the first attempt, after the backoff on later ones. Gives up
    /// only when Janus has been unreachable for longer than it keeps an orphaned session, counted from the first failed
    /// contact: this process's own slowness (a backlog at start-up, a pause) never counts, and a claim is cheap.
    /// </summary>
    private void BeginReclaim()
    {
        Enter(JanusSessionStatus.Reclaiming);
        _reclaimStarted = DateTimeOffset.UtcNow;
        ReportChanged();
        ReleaseTransport();

        var delay = _backoff.DelayFor(_reclaimAttempt);
        if (_unreachableSince is { } since && DateTimeOffset.UtcNow + delay > since + ReclaimWindow())
        {
            var lapsed = $"Janus unreachable since {since:HH:mm:ss} UTC ({_reclaimAttempt} failed attempts): its reclaim window has lapsed";
            if (ClaimFailureDecider.Decide(new JanusSessionReclaimException(_key, JanusId, null, lapsed, windowLapsed: true)) == Directive.Stop)
            {
                EndAsLost(null, lapsed);
                return;
            }
        }

        if (delay == TimeSpan.Zero)
            Connect();
        else
        {
            Log.Debug("Reclaiming {SessionKey} in {Delay} (attempt {Attempt})", _key, delay, _reclaimAttempt + 1);
            Timers.StartSingleTimer(ConnectTimer, ConnectTransport.Instance, delay);
        }
    }

    /// <summary>
    /// Claims the session on the fresh transport. Over REST a claim would throw away what Janus queued for the session
    /// while this process was gone (seen on 1.1.2: the claim gives the session a new event queue), so a REST session first
    /// drains that queue with one short long poll, whose events go to subscribers like any others, and claims once the
    /// transport says <see cref="JanusTransportReports.Drained"/>. The claim is still needed: it detaches the dead
    /// process's long poll, which Janus keeps suspended and which would otherwise swallow the session's next event.
    /// </summary>
    private void ClaimOnFreshTransport()
    {
        if (_state.Transport == JanusTransportKind.Rest)
            Transport.Tell(new JanusTransportCommands.Drain(JanusId));
        else
            SendClaim();
    }

    private void SendClaim() => Send(JanusRequests.Claim(NextTransaction(), JanusId),
        success: _ => OnClaimed(),
        error: error => FailReclaim(error, error.Reason ?? ""),
        timeout: () => FailReclaim(null, NotAnswered("claim")));

    private void OnClaimed()
    {
        JanusMetrics.Claims.Add(1, new("outcome", "ok"), new("code", 0));
        JanusMetrics.ReclaimDuration.Record((DateTimeOffset.UtcNow - _reclaimStarted).TotalSeconds);
        Log.Info("Reclaimed Janus session for {SessionKey} after {Attempts} attempt(s)", _key, _reclaimAttempt + 1);
        _reclaimAttempt = 0;
        _unreachableSince = null;
        _reclaims++;
        BecomeActive(reclaimed: true);
    }

    /// <summary>
    /// A claim failed. A final answer from Janus (<see cref="ClaimFailureDecider"/>) ends the session as lost; anything else
    /// (no answer, no connection) tries again after the backoff, inside this actor: nothing is replayed from the journal. One warning
    /// per outage: the first failure of a reclaim, unless its shared connection has already said so for all its sessions;
    /// the retries are Debug, and the end says how many there were.
    /// </summary>
    private void FailReclaim(JanusError? error, string reason, bool reportedByConnection = false)
    {
        JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error?.Code ?? 0));
        FailAllPending(new JanusSessionUnavailableException(_key, JanusSessionStatus.Reclaiming, reason));
        if (error is { } answer
            && ClaimFailureDecider.Decide(new JanusSessionReclaimException(_key, JanusId, answer.Code, answer.Reason ?? reason)) == Directive.Stop)
        {
            EndAsGoneWhileReclaiming(answer.Code, answer.Reason ?? reason);
            return;
        }
        _unreachableSince ??= DateTimeOffset.UtcNow;
        _reclaimAttempt++;
        var why = error is { } refused ? $"Janus answered {refused.Code} {refused.Reason}" : reason;
        if (_reclaimAttempt == 1 && !reportedByConnection)
            Log.Warning("Could not claim the Janus session of {SessionKey} ({Reason}): retrying with backoff", _key, why);
        else
            Log.Debug("Claim {Attempt} for {SessionKey} failed ({Reason}): retrying", _reclaimAttempt, _key, why);
        BeginReclaim();
    }

    /// <summary>
    /// Janus refused the reclaim for good: the claim's answer, or a REST session's draining poll finding no session. A 458
    /// after the connection dropped, while Janus had last answered the session inside the reclaim window, cannot be a
    /// timeout: the server restarted (a restart ends every Janus session). The session says so, and its registry says it
    /// once for the whole server. After this process's own restart nothing is known of the gap: plain 458.
    /// </summary>
    private void EndAsGoneWhileReclaiming(int code, string reason)
    {
        if (code == (int)JanusErrorCode.SessionNotFound && _lastAnswered is { } last && DateTimeOffset.UtcNow - last < ReclaimWindow())
        {
            _registry.Tell(new SessionLostToRestart(_state.Server));
            EndAsLost(code, $"server restart: Janus server '{_state.Server}' no longer has the session {(DateTimeOffset.UtcNow - last).TotalSeconds:0} s " +
                            $"after it last answered, inside its reclaim window: the server restarted ({code} {reason})", quietly: true);
        }
        else EndAsLost(code, reason);
    }

    /// <summary>The transport of an active session failed: claim again at once over a fresh one.</summary>
    private void Reconnect(string reason)
    {
        Log.Debug("Transport of {SessionKey} failed ({Reason}): claiming again", _key, reason);
        FailAllPending(new JanusSessionUnavailableException(_key, JanusSessionStatus.Reclaiming, reason));
        Timers.Cancel(KeepAliveTimer);
        _reclaimAttempt = 0;
        BeginReclaim();
    }

    /// <summary>How long Janus keeps the session without an owner: REST sessions live until session_timeout.</summary>
    private TimeSpan ReclaimWindow() => _state.Transport == JanusTransportKind.Rest
        ? _timeouts?.Session ?? _options.AssumedReclaimTimeout
        : _timeouts?.Reclaim ?? _options.AssumedReclaimTimeout;
}
