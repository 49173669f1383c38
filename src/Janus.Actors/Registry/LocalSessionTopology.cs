using Akka.Actor;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

/// <summary>
/// One node: subscribers are actors of this process, kept in sets; a list is this node's sessions; a hot standby (the
/// journal lease held elsewhere) refuses everything until the lease is granted.
/// </summary>
internal sealed class LocalSessionTopology(IActorContext registry, ITimerScheduler timers, IActorRef region, JournalLeaseGate? lease)
    : ISessionTopology
{
    private readonly Dictionary<string, HashSet<IActorRef>> _subscribers = new();
    private readonly UnheardEvents _unheard = new();

    public IActorRef Region => region;

    public bool SessionsComeBackHere => true;

    public void ShareWithOtherNodes(object news) { }

    public Task SubscribeAsync(string key, IActorRef subscriber)
    {
        if (!_subscribers.TryGetValue(key, out var subscribers)) _subscribers[key] = subscribers = [];
        if (subscribers.Add(subscriber)) registry.Watch(subscriber);
        return Task.CompletedTask;
    }

    public void Unsubscribe(string key, IActorRef subscriber)
    {
        if (_subscribers.TryGetValue(key, out var subscribers) && subscribers.Remove(subscriber) && subscribers.Count == 0)
            _subscribers.Remove(key);
    }

    public void Publish(IJanusSessionNotice notice)
    {
        var heard = _subscribers.TryGetValue(notice.Key, out var subscribers);
        switch (notice)
        {
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

    public IEnumerable<IJanusSessionNotice> TakeUnheard(string key) => _unheard.Take(key);

    public void KeepUnheard(string key)
    {
        if (_subscribers.ContainsKey(key)) return;
        _unheard.Start(key, DateTimeOffset.UtcNow);
        if (!timers.IsTimerActive(ExpireUnheard.Instance))
            timers.StartPeriodicTimer(ExpireUnheard.Instance, ExpireUnheard.Instance, UnheardEvents.MaxAge);
    }

    /// <summary>Drops what nobody came for in time.</summary>
    public bool Receive(object message)
    {
        if (message is not ExpireUnheard) return false;
        _unheard.Expire(DateTimeOffset.UtcNow);
        if (_unheard.IsEmpty) timers.Cancel(ExpireUnheard.Instance);
        return true;
    }

    public Task<SessionList> ListAsync(IReadOnlyList<JanusSessionInfo> hostedHere) =>
        Task.FromResult(new SessionList(Standby ? [] : hostedHere));

    public string? NotReadyReason() => Standby ? $"standby: the journal is held by {lease!.Holder ?? "another host"}" : null;

    public string? Refusal() => Standby ? $"this host is a standby: the journal is held by {lease!.Holder ?? "another host"}" : null;

    public void OnTerminated(IActorRef actor)
    {
        foreach (var key in _subscribers.Keys.ToList()) Unsubscribe(key, actor);
    }

    private bool Standby => lease is { Granted.IsCompleted: false };

    private sealed record ExpireUnheard : INoSerializationVerificationNeeded
    {
        public static readonly ExpireUnheard Instance = new();
    }
}
