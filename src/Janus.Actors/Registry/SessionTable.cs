using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;

namespace Janus.Actors.Registry;

/// <summary>
/// A registry's latest snapshot of each session, and the sessions-by-state counts the metrics read without asking
/// the actor. Owned by one actor; <see cref="Track"/> in its PreStart, <see cref="Untrack"/> in its PostStop.
/// </summary>
internal sealed class SessionTable
{
    private readonly Dictionary<string, JanusSessionInfo> _sessions = new();
    private readonly SessionStateCounts _counts = new();

    public IReadOnlyCollection<string> Keys => _sessions.Keys;

    public IEnumerable<JanusSessionInfo> Sessions => _sessions.Values;

    public bool Contains(string key) => _sessions.ContainsKey(key);

    public bool TryGet(string key, out JanusSessionInfo info) => _sessions.TryGetValue(key, out info!);

    public JanusSessionInfo this[string key] => _sessions[key];

    /// <summary>Live (not ended) sessions of this registry on each Janus server.</summary>
    public long LiveOn(string server) => _counts.LiveOn(server);

    /// <summary>Whether the live counts include the session: any thread may ask (the placement board does).</summary>
    public bool IsCounted(string key) => _counts.IsCounted(key);

    /// <summary>Live REST sessions of this registry on each Janus server.</summary>
    public long LiveRestOn(string server) => _counts.LiveRestOn(server);

    /// <summary>Every write goes through here or <see cref="Remove"/>, so the state counts stay exact.</summary>
    public void Set(JanusSessionInfo info)
    {
        _counts.Move(_sessions.TryGetValue(info.Key, out var old) ? old : null, info);
        _sessions[info.Key] = info;
    }

    public void Remove(string key)
    {
        if (_sessions.Remove(key, out var old)) _counts.Move(old, null);
    }

    public void Track() => JanusMetrics.Track(_counts);

    public void Untrack() => JanusMetrics.Untrack(_counts);
}
