namespace Janus.Actors.Chaos;

/// <summary>
/// What the host acknowledged to the workload: sessions created (201), handles attached (201) and sessions destroyed
/// (204). An acknowledged write must be durable — the checker finds each of them in what the host says after any
/// crash. A request the host did not acknowledge may or may not have happened, and is never held against it.
/// </summary>
public sealed class Ledger
{
    private readonly object _lock = new();
    private readonly HashSet<string> _created = [];
    private readonly HashSet<string> _rest = [];
    private readonly HashSet<string> _destroyAttempted = [];
    private readonly HashSet<string> _destroyed = [];
    private readonly HashSet<string> _abandoned = [];
    private readonly Dictionary<string, List<long>> _handles = [];

    public void Created(string key, bool rest)
    {
        lock (_lock)
        {
            _created.Add(key);
            if (rest) _rest.Add(key);
        }
    }

    /// <summary>Whether the session was created over REST (it holds a long poll).</summary>
    public bool IsRest(string key)
    {
        lock (_lock) return _rest.Contains(key);
    }

    public void DestroyAttempted(string key)
    {
        lock (_lock) _destroyAttempted.Add(key);
    }

    public void Destroyed(string key)
    {
        lock (_lock) _destroyed.Add(key);
    }

    /// <summary>The host says the session ended or does not know it: the workload stops using it.</summary>
    public void Abandoned(string key)
    {
        lock (_lock) _abandoned.Add(key);
    }

    public void Attached(string key, long handle)
    {
        lock (_lock)
        {
            if (!_handles.TryGetValue(key, out var handles)) _handles[key] = handles = [];
            handles.Add(handle);
        }
    }

    public bool IsLive(string key)
    {
        lock (_lock) return _created.Contains(key) && !_destroyAttempted.Contains(key) && !_abandoned.Contains(key);
    }

    public IReadOnlyList<string> Live
    {
        get
        {
            lock (_lock) return [.. _created.Where(key => !_destroyAttempted.Contains(key) && !_abandoned.Contains(key))];
        }
    }

    public IReadOnlyList<long> HandlesOf(string key)
    {
        lock (_lock) return _handles.TryGetValue(key, out var handles) ? [.. handles] : [];
    }

    /// <summary>Sessions whose create was acknowledged and that nobody asked to destroy: the host must still list them.</summary>
    public IReadOnlyList<string> AcknowledgedAndNotDestroyed
    {
        get
        {
            lock (_lock) return [.. _created.Where(key => !_destroyAttempted.Contains(key))];
        }
    }

    /// <summary>Sessions whose destroy was acknowledged: the host must never show them live again.</summary>
    public IReadOnlyList<string> AcknowledgedDestroys
    {
        get
        {
            lock (_lock) return [.. _destroyed];
        }
    }

    /// <summary>
    /// Handles whose attach was acknowledged, on sessions nobody asked to destroy: a destroy that failed may have detached
    /// them already (a REST session's destroy detaches its handles first).
    /// </summary>
    public IReadOnlyList<(string Key, long Handle)> AcknowledgedHandles
    {
        get
        {
            lock (_lock)
                return [.. _handles.Where(kv => !_destroyAttempted.Contains(kv.Key)).SelectMany(kv => kv.Value.Select(h => (kv.Key, h)))];
        }
    }
}
