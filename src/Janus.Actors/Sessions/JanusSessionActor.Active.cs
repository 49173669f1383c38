using Akka.Actor;
using Akka.Event;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Sessions;

// A claimed session: keep-alives, and Janus events fanned out to subscribers.
internal sealed partial class JanusSessionActor
{
    private void BecomeActive(bool reclaimed)
    {
        _status = JanusSessionStatus.Active;
        _unansweredKeepAlives = 0;
        Become(Active);
        Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, _keepAlivePeriod);
        if (_state.Transport == JanusTransportKind.Rest)
            Transport.Tell(new JanusTransportCommands.StartPolling(JanusId));
        if (_server is null)
            Send(PendingKind.Info, JanusRequests.Info(NextTransaction()), Self);
        ReportChanged();
        if (reclaimed) _registry.Tell(new Publish(new SessionReclaimed(_key)));
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
        Send(PendingKind.KeepAlive, JanusRequests.KeepAlive(NextTransaction(), JanusId), Self);
    }

    private void OnEvent(JanusMessage message)
    {
        _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
        switch (message.Janus)
        {
            case JanusMessageKinds.Timeout:
                EndAsLost((int)JanusErrorCode.SessionNotFound, "Janus timed the session out", throwFinal: false);
                break;
            case JanusMessageKinds.Detached when message.Sender is { } handleId && _state.Handles.ContainsKey(handleId):
                Persist(new HandleDetached(handleId), e =>
                {
                    _state = _state.Apply(e);
                    ReportChanged();
                });
                break;
        }
    }
}
