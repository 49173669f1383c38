using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

// Subscribers: who hears a session's notices, and what a late one is told first.
internal sealed partial class JanusSessionSupervisor
{
    /// <summary>
    /// A subscriber that arrives late still learns what it missed: after a crash the start-up reclaim usually
    /// completes before the application subscribes, so it is told <see cref="SessionReclaimed"/> first; a session
    /// that has already ended answers with its <see cref="SessionEnded"/>, which completes the stream.
    /// </summary>
    private void OnSubscribe(SubscribeToSession command)
    {
        if (!_sessions.TryGet(command.Key, out var info))
        {
            if (!Defer(command.Key, command)) Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(command.Key)));
            return;
        }
        Sender.Tell(CommandDone.Instance);
        if (info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed)
        {
            command.Subscriber.Tell(new SessionEnded(command.Key, info.State, info.LastError));
            return;
        }
        if (!_subscribers.TryGetValue(command.Key, out var subscribers))
            _subscribers[command.Key] = subscribers = [];
        if (subscribers.Add(command.Subscriber))
        {
            Context.Watch(command.Subscriber);
            if (info.State == JanusSessionStatus.Active && _reclaims.GetValueOrDefault(command.Key) > 0)
                command.Subscriber.Tell(new SessionReclaimed(command.Key));
            foreach (var missed in _unheard.Take(command.Key)) command.Subscriber.Tell(missed);
        }
    }

    private void RemoveSubscriber(string key, IActorRef subscriber)
    {
        if (_subscribers.TryGetValue(key, out var subscribers) && subscribers.Remove(subscriber) && subscribers.Count == 0)
            _subscribers.Remove(key);
    }

    private void OnPublish(IJanusSessionNotice notice)
    {
        var heard = _subscribers.TryGetValue(notice.Key, out var subscribers);
        switch (notice)
        {
            case SessionReclaimed:
                _reclaims[notice.Key] = _reclaims.GetValueOrDefault(notice.Key) + 1;
                break;
            case JanusEventReceived received when !heard:
                _unheard.Offer(received);
                break;
            case SessionEnded:
                _unheard.Forget(notice.Key);
                break;
        }
        if (heard)
            foreach (var subscriber in subscribers!) subscriber.Tell(notice);
        if (notice is SessionEnded) _subscribers.Remove(notice.Key);
    }

    /// <summary>A reclaiming session nobody listens to yet: what arrives for it is kept for the first subscriber.</summary>
    private void KeepUnheard(string key)
    {
        _unheard.Start(key, DateTimeOffset.UtcNow);
        if (!Timers.IsTimerActive(ExpireUnheard.Instance))
            Timers.StartPeriodicTimer(ExpireUnheard.Instance, ExpireUnheard.Instance, UnheardEvents.MaxAge);
    }

    private sealed record ExpireUnheard : INoSerializationVerificationNeeded
    {
        public static readonly ExpireUnheard Instance = new();
    }
}
