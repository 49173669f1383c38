using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
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
        Enter(SessionPhase.Reclaiming);
        if (_reclaimAttempt == 0) Server.Home.Tell(new JanusServerActor.Claiming(_key));
        _reclaimStarted = DateTimeOffset.UtcNow;
        ReportChanged();
        ReleaseTransport();

        var delay = _backoff.DelayFor(_reclaimAttempt);
        // A REST session's Janus answering anything on the server's HTTP connections (another session's request, a long poll)
        // is reachable, however long this session's claims wait their turn: the window counts from its last answer.
        if (RestConnections is { LastAnswered: { } answered } && _unreachableSince is { } unreachable && answered > unreachable)
            _unreachableSince = answered;
        if (_unreachableSince is { } since && DateTimeOffset.UtcNow + delay > since + ReclaimWindow())
        {
            Server.Home.Tell(new JanusServerActor.ClaimEnded(_key, null, ServerRestarted: false));
            EndAsLost(null, $"Janus unreachable since {since:HH:mm:ss} UTC ({_reclaimAttempt} failed attempts): its reclaim window has lapsed");
            return;
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
    /// Claims the session on the fresh transport. Over REST, only the first claim of this actor's life is one: a claim gives
    /// the session a new event queue in Janus and leaves every long poll sent before it unanswered until Janus's 30 s
    /// keepalive (seen on 1.1.2), which is what a dead process's poll needs — otherwise it swallows the session's next event
    /// — and what this process's own poll must be spared. So a recovered REST session with handles first drains what Janus
    /// queued while no process polled (its events go to subscribers like any others), when the server has a connection to
    /// spare, and claims once the transport says <see cref="JanusTransportReports.Drained"/>; a later reclaim of the same
    /// actor (its keep-alives went unanswered) only confirms with a keep-alive that Janus still has the session.
    /// </summary>
    private void ClaimOnFreshTransport()
    {
        if (_servers.ClaimRefusal() is { } refusal)
        {
            // A fenced cluster node (NodeFencing says why, once): claiming now could take the session from its new owner.
            Log.Debug("Not claiming {SessionKey} now: {Reason}", _key, refusal);
            Timers.StartSingleTimer(ConnectTimer, ConnectTransport.Instance, FencedClaimRetry);
            return;
        }
        if (_state.Transport != JanusTransportKind.Rest) SendClaim();
        else if (_claimed) ConfirmSession();
        else if (_state.Handles.Count > 0) Transport.Tell(new JanusTransportCommands.Drain(JanusId));
        else SendClaim(); // no handles, no events: nothing was queued
    }

    /// <summary>How soon a fenced node looks again whether it may claim (it is usually downed and gone before).</summary>
    private static readonly TimeSpan FencedClaimRetry = TimeSpan.FromSeconds(1);

    private void SendClaim() => Send(JanusRequests.Claim(NextTransaction(), JanusId),
        success: _ => OnClaimed(),
        error: error => FailReclaim(error, error.Reason ?? ""),
        unanswered: why => FailReclaim(null, why));

    /// <summary>A REST session this actor already holds: a keep-alive says whether Janus still has it (458 if not).</summary>
    private void ConfirmSession() => Send(JanusRequests.KeepAlive(NextTransaction(), JanusId),
        success: _ => OnClaimed(),
        error: error => FailReclaim(error, error.Reason ?? ""),
        unanswered: why => FailReclaim(null, why));

    private void OnClaimed()
    {
        JanusMetrics.Claims.Add(1, new("outcome", "ok"), new("code", 0));
        JanusMetrics.ReclaimDuration.Record((DateTimeOffset.UtcNow - _reclaimStarted).TotalSeconds);
        Log.Info("Reclaimed Janus session for {SessionKey} after {Attempts} attempt(s)", _key, _reclaimAttempt + 1);
        _reclaimAttempt = 0;
        _unreachableSince = null;
        _claimed = true;
        Server.Home.Tell(new JanusServerActor.Claimed(_key));
        BecomeActive(reclaimed: true);
    }

    /// <summary>
    /// A claim failed. A final answer from Janus (<see cref="ClaimFailures"/>) ends the session as lost; anything else
    /// (no answer, no connection) tries again after the backoff, inside this actor: nothing is replayed from the journal. One warning
    /// per outage: the first failure of a reclaim, unless its shared connection has already said so for all its sessions;
    /// the retries are Debug, and the end says how many there were.
    /// </summary>
    private void FailReclaim(JanusError? error, string reason, bool reportedByConnection = false)
    {
        JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error?.Code ?? 0));
        FailAllPending(new JanusSessionUnavailableException(_key, JanusSessionStatus.Reclaiming, reason));
        if (error is { } answer && ClaimFailures.EndsTheSession(answer.Code))
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
    /// An active session Janus no longer has (458, or a REST long poll's 404). For a REST session whose server was found
    /// unreachable since it last answered the session (a request or poll refused, a failed probe), that is a restart, as for
    /// a reclaim; otherwise the session timed out or was destroyed behind this process's back.
    /// </summary>
    private void EndAsGone(int code, string reason)
    {
        if (_destroying) return; // our own destroy got there first: its answer ends the session as destroyed
        if (RestConnections is { LastUnreachable: { } unreachable } && _lastAnswered is { } answered && unreachable > answered)
            EndAsGoneWhileReclaiming(code, reason);
        else EndAsLost(code, reason);
    }

    /// <summary>A REST session's server connections; null for a WebSocket session, whose reachability is its socket's.</summary>
    private JanusRestConnections? RestConnections => _state.Transport == JanusTransportKind.Rest ? Server.Rest : null;

    /// <summary>
    /// Janus refused the reclaim for good: the claim's answer, or a REST session's draining poll finding no session. A 458
    /// after the connection dropped, while Janus had last answered the session inside the reclaim window, cannot be a
    /// timeout: the server restarted (a restart ends every Janus session). The session says so, and its server's home says
    /// it once for the whole server. After this process's own restart nothing is known of the gap: plain 458.
    /// </summary>
    private void EndAsGoneWhileReclaiming(int code, string reason)
    {
        var restarted = code == (int)JanusErrorCode.SessionNotFound && _lastAnswered is { } last && DateTimeOffset.UtcNow - last < ReclaimWindow();
        Server.Home.Tell(new JanusServerActor.ClaimEnded(_key, code, restarted));
        if (restarted)
            EndAsLost(code, $"server restart: Janus server '{_state.Server}' no longer has the session {(DateTimeOffset.UtcNow - _lastAnswered!.Value).TotalSeconds:0} s " +
                            $"after it last answered, inside its reclaim window: the server restarted ({code} {reason})", quietly: true);
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
