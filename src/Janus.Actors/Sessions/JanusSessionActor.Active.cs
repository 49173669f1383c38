using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// A claimed session: keep-alives, and Janus events fanned out to subscribers.
internal sealed partial class JanusSessionActor
{
    private void BecomeActive(bool reclaimed)
    {
        Enter(SessionPhase.Active);
        _unansweredKeepAlives = 0;
        Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, _keepAlivePeriod);
        PollWhileHandles();
        if (_timeouts is null) SendInfo();
        ReportChanged();
        if (reclaimed) Resync();
        Stash.UnstashAll();
    }

    private void SendKeepAlive()
    {
        if (_unansweredKeepAlives >= _options.MaxMissedKeepAlives)
        {
            Log.Warning("{Missed} keep-alives of {SessionKey} unanswered: reconnecting", _unansweredKeepAlives, _key);
            Reconnect($"{_unansweredKeepAlives} keep-alives unanswered");
            return;
        }
        _unansweredKeepAlives++;
        var sentAt = DateTimeOffset.UtcNow;
        Send(JanusRequests.KeepAlive(NextTransaction(), JanusId),
            success: _ =>
            {
                _unansweredKeepAlives = 0;
                JanusMetrics.KeepAliveRoundTrip.Record((DateTimeOffset.UtcNow - sentAt).TotalSeconds);
            },
            error: error =>
            {
                if (error.Code == (int)JanusErrorCode.SessionNotFound) EndAsGone(error.Code, error.Reason ?? "session not found");
                else Log.Warning("Keep-alive of {SessionKey} refused: {Code} {Reason}", _key, error.Code, error.Reason);
            },
            unanswered: _ => { }); // counted by the next tick
    }

    /// <summary>Janus's timeouts, once per incarnation (a shared connection usually brings them with <c>Connected</c>).</summary>
    private void SendInfo() => Send(JanusRequests.Info(NextTransaction()),
        success: OnServerInfo,
        error: error => Log.Warning("Janus refused info for {SessionKey}: {Code} {Reason}", _key, error.Code, error.Reason),
        unanswered: _ => { }); // asked again on the next claim

    private void OnEvent(JanusMessage message)
    {
        if (!HoldDuringResync(message)) _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
        FollowRoom(message);
        switch (message.Janus)
        {
            case JanusMessageKinds.Timeout:
                EndAsLost((int)JanusErrorCode.SessionNotFound, "Janus timed the session out");
                break;
            case JanusMessageKinds.Detached when message.Sender is { } handleId && _state.Handles.ContainsKey(handleId):
                Persist(new HandleDetached(handleId), e =>
                {
                    _state = _state.Apply(e);
                    ReportChanged();
                    PollWhileHandles();
                });
                break;
        }
    }
}
