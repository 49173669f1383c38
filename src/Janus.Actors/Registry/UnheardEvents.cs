using Janus.Actors.Sessions;

namespace Janus.Actors.Registry;

/// <summary>
/// Janus events of a reclaiming session that no subscriber heard yet. After a crash the application subscribes again only
/// once it is back up, usually after the reclaim: the events that arrive in between — among them, for a REST session,
/// those Janus queued for it while this process was dead — are kept from the start of the reclaim until the first
/// subscriber, who gets them right after <see cref="SessionReclaimed"/>. Bounded: at most <see cref="MaxEvents"/> a
/// session, for <see cref="MaxAge"/> after the reclaim began.
/// </summary>
internal sealed class UnheardEvents
{
    public const int MaxEvents = 100;
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, (DateTimeOffset Since, List<JanusEventReceived> Events)> _bySession = new();

    public bool IsEmpty => _bySession.Count == 0;

    /// <summary>The session is reclaiming: keep what arrives for it until someone subscribes (already kept: unchanged).</summary>
    public void Start(string key, DateTimeOffset now) => _bySession.TryAdd(key, (now, []));

    /// <summary>Keeps an event nobody is subscribed to, if its session is in the window after a reclaim.</summary>
    public void Offer(JanusEventReceived received)
    {
        if (_bySession.TryGetValue(received.Key, out var kept) && kept.Events.Count < MaxEvents)
            kept.Events.Add(received);
    }

    /// <summary>What the first subscriber gets; nothing is kept for the session afterwards.</summary>
    public IReadOnlyList<JanusEventReceived> Take(string key) =>
        _bySession.Remove(key, out var kept) ? kept.Events : [];

    /// <summary>Forgets a session (it ended) or every window older than <see cref="MaxAge"/>.</summary>
    public void Forget(string key) => _bySession.Remove(key);

    public void Expire(DateTimeOffset now)
    {
        foreach (var key in _bySession.Where(s => now - s.Value.Since > MaxAge).Select(s => s.Key).ToList())
            _bySession.Remove(key);
    }
}
