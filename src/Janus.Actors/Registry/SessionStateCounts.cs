using System.Collections.Concurrent;
using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Registry;

/// <summary>
/// Sessions per state, and live sessions per Janus server, in one registry. Only the registry writes (through
/// <see cref="Move"/>); any thread may read, e.g. a metrics scrape, without a message to the actor.
/// </summary>
internal sealed class SessionStateCounts : ISessionCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<JanusSessionStatus>().Length];
    private readonly ConcurrentDictionary<string, long> _liveByServer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _liveRestByServer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _counted = new(StringComparer.Ordinal);

    public long this[JanusSessionStatus state] => Volatile.Read(ref _counts[(int)state]);

    public long LiveOn(string server) => _liveByServer.GetValueOrDefault(server);

    /// <summary>Whether a session is among the live ones counted here.</summary>
    public bool IsCounted(string key) => _counted.ContainsKey(key);

    /// <summary>The live REST sessions among <see cref="LiveOn"/>: each may hold one of the server's HTTP connections.</summary>
    public long LiveRestOn(string server) => _liveRestByServer.GetValueOrDefault(server);

    public IEnumerable<KeyValuePair<string, long>> LiveByServer => _liveByServer;

    public IEnumerable<KeyValuePair<string, long>> ByState =>
        Enum.GetValues<JanusSessionStatus>().Select(state => KeyValuePair.Create(state.ToName(), this[state]));

    /// <summary>A session's snapshot replaced <paramref name="from"/> (null: it is new) by <paramref name="to"/> (null: it is forgotten).</summary>
    public void Move(JanusSessionInfo? from, JanusSessionInfo? to)
    {
        if (from?.State != to?.State)
        {
            if (from is not null) Interlocked.Decrement(ref _counts[(int)from.State]);
            if (to is not null) Interlocked.Increment(ref _counts[(int)to.State]);
        }
        var wasLive = from is not null && IsLive(from);
        var isLive = to is not null && IsLive(to);
        if (isLive) _counted.TryAdd(to!.Key, 0);
        else if (wasLive) _counted.TryRemove(from!.Key, out _);
        if (wasLive && (!isLive || from!.Server != to!.Server)) _liveByServer.AddOrUpdate(from!.Server, 0, (_, n) => n - 1);
        if (isLive && (!wasLive || from!.Server != to!.Server)) _liveByServer.AddOrUpdate(to!.Server, 1, (_, n) => n + 1);
        var wasRest = wasLive && from!.Transport == JanusTransportKind.Rest;
        var isRest = isLive && to!.Transport == JanusTransportKind.Rest;
        if (wasRest && (!isRest || from!.Server != to!.Server)) _liveRestByServer.AddOrUpdate(from!.Server, 0, (_, n) => n - 1);
        if (isRest && (!wasRest || from!.Server != to!.Server)) _liveRestByServer.AddOrUpdate(to!.Server, 1, (_, n) => n + 1);
    }

    private static bool IsLive(JanusSessionInfo info) => info.State is not (JanusSessionStatus.Lost or JanusSessionStatus.Destroyed);
}
