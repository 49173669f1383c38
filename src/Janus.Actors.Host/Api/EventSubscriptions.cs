using System.Collections.Concurrent;
using System.Security.Cryptography;
using Janus.Actors.Hosting;

namespace Janus.Actors.Host.Api;

/// <summary>
/// The host's <see cref="ResumableSubscription"/>s by id. Event ids are <c>{subscription}:{sequence}</c>: opaque to
/// callers, unguessable (a subscription id is 128 random bits), and only valid for the session they came from.
/// </summary>
public sealed class EventSubscriptions(IJanusSessions sessions, ILogger<EventSubscriptions> logger) : IAsyncDisposable
{
    /// <summary>Subscriptions kept at most (open or waiting for their caller); beyond it the oldest unread ones go first.</summary>
    public const int MaxSubscriptions = 10_000;

    private readonly ConcurrentDictionary<string, ResumableSubscription> _byId = new();

    /// <summary>A new subscription to <paramref name="key"/>'s notices, with one reader.</summary>
    public ResumableSubscription Open(string key)
    {
        if (_byId.Count >= MaxSubscriptions)
            Evict();
        var subscription = new ResumableSubscription(sessions, key, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        subscription.Attach();
        _byId[subscription.Id] = subscription;
        return subscription;
    }

    /// <summary>
    /// The subscription a <c>Last-Event-ID</c> names, with one more reader and the sequence to read after; null when it
    /// is not (or no longer) here, belongs to another session, or no longer holds every notice after that id.
    /// </summary>
    public (ResumableSubscription Subscription, long After)? Resume(string key, string lastEventId)
    {
        var colon = lastEventId.LastIndexOf(':');
        if (colon <= 0 || !long.TryParse(lastEventId.AsSpan(colon + 1), out var after)
            || !_byId.TryGetValue(lastEventId[..colon], out var subscription)
            || subscription.Key != key || !subscription.HasAfter(after))
            return null;
        subscription.Attach();
        return (subscription, after);
    }

    /// <summary>A reader left: the subscription stays <see cref="ResumableSubscription.Retention"/> for its caller to come back.</summary>
    public void Release(ResumableSubscription subscription)
    {
        if (!subscription.Detach()) return;
        _ = Task.Delay(ResumableSubscription.Retention).ContinueWith(_ => EndIfUnread(subscription), TaskScheduler.Default);
    }

    private async Task EndIfUnread(ResumableSubscription subscription)
    {
        if (!subscription.Unread || !_byId.TryRemove(new KeyValuePair<string, ResumableSubscription>(subscription.Id, subscription)))
            return;
        await subscription.DisposeAsync();
    }

    private void Evict()
    {
        var victim = _byId.Values.FirstOrDefault(s => s.Unread);
        if (victim is null) return;
        logger.LogWarning("{Count} event subscriptions are kept: one waiting for its caller to come back is ended early", _byId.Count);
        _ = EndIfUnread(victim);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _byId.Values)
            await subscription.DisposeAsync();
        _byId.Clear();
    }
}
