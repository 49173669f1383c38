using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// The library's one meter, <c>Janus.Actors</c>. Instruments are static: the meter is process-wide. Instrument names
/// carry no library prefix because exporters add the meter's name (prometheus-net: <c>janus_actors_claims</c>).
/// Durations are in seconds.
/// </summary>
public static class JanusMetrics
{
    public const string MeterName = "Janus.Actors";
    public static readonly Meter Meter = new(MeterName);

    /// <summary>The session registries of this process (one per node), summed by <see cref="Sessions"/>.</summary>
    private static readonly ConcurrentDictionary<SessionStateCounts, byte> Registries = new();

    /// <summary>
    /// Sessions by <c>state</c> (<c>creating</c>, <c>active</c>, <c>reclaiming</c>, <c>lost</c>, <c>destroyed</c>), as the
    /// session registries of this process know them. Read from counters the registries keep up to date, so
    /// observing it never waits for an actor.
    /// </summary>
    public static readonly ObservableGauge<long> Sessions = Meter.CreateObservableGauge("sessions", ObserveSessions,
        description: "Sessions known to this process, by state");

    /// <summary>Live (not ended) sessions by Janus <c>server</c>, as the session registries of this process know them.</summary>
    public static readonly ObservableGauge<long> ServerSessions = Meter.CreateObservableGauge("server_sessions", ObserveServerSessions,
        description: "Live sessions known to this process, by Janus server");

    /// <summary>Claims by outcome (<c>ok</c>/<c>failed</c>) and Janus <c>code</c> (0 for transport failures).</summary>
    public static readonly Counter<long> Claims = Meter.CreateCounter<long>("claims", description: "Claims sent to Janus, by outcome and code");

    /// <summary>Messages from Janus that were dropped: malformed JSON, oversized, unknown transaction, unexpected type.</summary>
    public static readonly Counter<long> InboundRejected = Meter.CreateCounter<long>("inbound_rejected", description: "Messages from Janus that could not be used, by reason");

    /// <summary>Round trip of keep-alive acks, in seconds.</summary>
    public static readonly Histogram<double> KeepAliveRoundTrip = Meter.CreateHistogram<double>("keepalive_rtt_seconds", unit: "s", description: "Keep-alive round-trip time");

    /// <summary>From the start of a reclaim (process start or lost connection) to the claim's success, in seconds.</summary>
    public static readonly Histogram<double> ReclaimDuration = Meter.CreateHistogram<double>("reclaim_duration_seconds", unit: "s", description: "Time to reclaim a session");

    /// <summary>Requests sent and not yet answered.</summary>
    public static readonly UpDownCounter<long> RequestsInFlight = Meter.CreateUpDownCounter<long>("requests_in_flight", description: "Requests awaiting a reply from Janus");

    /// <summary>Transport failures (connection refused, dropped, closed).</summary>
    public static readonly Counter<long> TransportFailures = Meter.CreateCounter<long>("transport_failures", description: "Transport connections that failed, by transport");

    /// <summary>This process's connections to the Janus servers' HTTP transports, read by <see cref="RestConnections"/>.</summary>
    private static readonly ConcurrentDictionary<JanusRestConnections, byte> RestLinks = new();

    /// <summary>
    /// Requests and long polls of REST sessions under way, by Janus <c>server</c> and <c>use</c> (<c>request</c>,
    /// <c>poll</c>): each holds one of the server's HTTP connections, or waits for one (see
    /// <see cref="Servers.JanusServerSettings.RestConnectionLimit"/>).
    /// </summary>
    public static readonly ObservableGauge<long> RestConnections = Meter.CreateObservableGauge("rest_connections", ObserveRestConnections,
        description: "REST requests and long polls under way, by Janus server and use");

    /// <summary>Sessions by state summed over every live registry of this process; what <see cref="Sessions"/> reports.</summary>
    public static IReadOnlyDictionary<JanusSessionStatus, long> SessionsByState()
    {
        var totals = Enum.GetValues<JanusSessionStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var registry in Registries.Keys)
            foreach (var state in Enum.GetValues<JanusSessionStatus>())
                totals[state] += registry[state];
        return totals;
    }

    internal static void Track(SessionStateCounts counts) => Registries.TryAdd(counts, 0);

    internal static void Untrack(SessionStateCounts counts) => Registries.TryRemove(counts, out _);

    internal static void Track(JanusRestConnections connections) => RestLinks.TryAdd(connections, 0);

    internal static void Untrack(JanusRestConnections connections) => RestLinks.TryRemove(connections, out _);

    private static IEnumerable<Measurement<long>> ObserveRestConnections() =>
        RestLinks.Keys.GroupBy(link => link.Server).SelectMany(server => new[]
        {
            new Measurement<long>(server.Sum(link => link.RequestsInFlight), new("server", server.Key), new("use", "request")),
            new Measurement<long>(server.Sum(link => link.PollsInFlight), new("server", server.Key), new("use", "poll")),
        });

    private static IEnumerable<Measurement<long>> ObserveServerSessions() =>
        Registries.Keys.SelectMany(registry => registry.LiveByServer)
            .GroupBy(live => live.Key, live => live.Value)
            .Select(server => new Measurement<long>(server.Sum(), new KeyValuePair<string, object?>("server", server.Key)));

    private static IEnumerable<Measurement<long>> ObserveSessions() =>
        SessionsByState().Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("state", StateName(s.Key))));

    /// <summary>The lower-case state names the HTTP API uses too.</summary>
    public static string StateName(JanusSessionStatus state) => state switch
    {
        JanusSessionStatus.Creating => "creating",
        JanusSessionStatus.Active => "active",
        JanusSessionStatus.Reclaiming => "reclaiming",
        JanusSessionStatus.Lost => "lost",
        JanusSessionStatus.Destroyed => "destroyed",
        _ => state.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// Sessions per state, and live sessions per Janus server, in one registry. Only the registry writes (through
/// <see cref="Move"/>); any thread may read, e.g. a metrics scrape, without a message to the actor.
/// </summary>
internal sealed class SessionStateCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<JanusSessionStatus>().Length];
    private readonly ConcurrentDictionary<string, long> _liveByServer = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _liveRestByServer = new(StringComparer.Ordinal);

    public long this[JanusSessionStatus state] => Volatile.Read(ref _counts[(int)state]);

    public long LiveOn(string server) => _liveByServer.GetValueOrDefault(server);

    /// <summary>The live REST sessions among <see cref="LiveOn"/>: each may hold one of the server's HTTP connections.</summary>
    public long LiveRestOn(string server) => _liveRestByServer.GetValueOrDefault(server);

    public IEnumerable<KeyValuePair<string, long>> LiveByServer => _liveByServer;

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
        if (wasLive && (!isLive || from!.Server != to!.Server)) _liveByServer.AddOrUpdate(from!.Server, 0, (_, n) => n - 1);
        if (isLive && (!wasLive || from!.Server != to!.Server)) _liveByServer.AddOrUpdate(to!.Server, 1, (_, n) => n + 1);
        var wasRest = wasLive && from!.Transport == JanusTransportKind.Rest;
        var isRest = isLive && to!.Transport == JanusTransportKind.Rest;
        if (wasRest && (!isRest || from!.Server != to!.Server)) _liveRestByServer.AddOrUpdate(from!.Server, 0, (_, n) => n - 1);
        if (isRest && (!wasRest || from!.Server != to!.Server)) _liveRestByServer.AddOrUpdate(to!.Server, 1, (_, n) => n + 1);
    }

    private static bool IsLive(JanusSessionInfo info) => info.State is not (JanusSessionStatus.Lost or JanusSessionStatus.Destroyed);
}
