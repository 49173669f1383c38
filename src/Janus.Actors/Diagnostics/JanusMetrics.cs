using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

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

    /// <summary>The session registries of this process (one per node), summed by <see cref="Sessions"/> and <see cref="ServerSessions"/>.</summary>
    private static readonly ConcurrentDictionary<ISessionCounts, byte> Registries = new();

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

    /// <summary>
    /// Sessions that ended in this process, by <c>reason</c> (<c>destroyed</c>, <c>lost</c>): the history the <see cref="Sessions"/>
    /// gauge forgets once an ended session's retention has passed.
    /// </summary>
    public static readonly Counter<long> SessionsEnded = Meter.CreateCounter<long>("sessions_ended", description: "Sessions that ended, by reason");

    /// <summary>Ended sessions forgotten after their retention (their journal events deleted).</summary>
    public static readonly Counter<long> SessionsForgotten = Meter.CreateCounter<long>("sessions_forgotten", description: "Ended sessions forgotten after their retention");

    /// <summary>Claims by outcome (<c>ok</c>/<c>failed</c>) and Janus <c>code</c> (0 for transport failures).</summary>
    public static readonly Counter<long> Claims = Meter.CreateCounter<long>("claims", description: "Claims sent to Janus, by outcome and code");

    /// <summary>Messages from Janus that were dropped: malformed JSON, oversized, unknown transaction, unexpected type.</summary>
    public static readonly Counter<long> InboundRejected = Meter.CreateCounter<long>("inbound_rejected", description: "Messages from Janus that could not be used, by reason");

    /// <summary>Round trip of keep-alive acks, in seconds.</summary>
    public static readonly Histogram<double> KeepAliveRoundTrip = Meter.CreateHistogram<double>("keepalive_rtt_seconds", unit: "s", description: "Keep-alive round-trip time");

    /// <summary>From the start of a reclaim (process start or lost connection) to the claim's success, in seconds.</summary>
    public static readonly Histogram<double> ReclaimDuration = Meter.CreateHistogram<double>("reclaim_duration_seconds", unit: "s", description: "Time to reclaim a session");

    /// <summary>
    /// What reclaims found of handles (<see cref="Sessions.SessionReclaimed.Handles"/>), by <c>outcome</c>: <c>resynced</c>,
    /// <c>pending_offer</c>, <c>gone</c>, <c>not_resynced</c>, <c>room</c>.
    /// </summary>
    public static readonly Counter<long> HandleResyncs = Meter.CreateCounter<long>("handle_resyncs", description: "What reclaims found of handles, by outcome");

    /// <summary>From a claim's success to its <see cref="Sessions.SessionReclaimed"/> (the handles read and rooms listed), in seconds.</summary>
    public static readonly Histogram<double> ResyncDuration = Meter.CreateHistogram<double>("resync_duration_seconds", unit: "s", description: "Time to resync a reclaimed session's handles");

    /// <summary>Requests sent and not yet answered.</summary>
    public static readonly UpDownCounter<long> RequestsInFlight = Meter.CreateUpDownCounter<long>("requests_in_flight", description: "Requests awaiting a reply from Janus");

    /// <summary>Transport failures (connection refused, dropped, closed).</summary>
    public static readonly Counter<long> TransportFailures = Meter.CreateCounter<long>("transport_failures", description: "Transport connections that failed, by transport");

    /// <summary>This process's connections to the Janus servers' HTTP transports, read by <see cref="RestConnections"/>.</summary>
    private static readonly ConcurrentDictionary<IRestConnectionCounts, byte> RestLinks = new();

    /// <summary>
    /// Requests and long polls of REST sessions under way, by Janus <c>server</c> and <c>use</c> (<c>request</c>,
    /// <c>poll</c>): each holds one of the server's HTTP connections, or waits for one (see
    /// <c>Servers.JanusServerSettings.RestConnectionLimit</c>).
    /// </summary>
    public static readonly ObservableGauge<long> RestConnections = Meter.CreateObservableGauge("rest_connections", ObserveRestConnections,
        description: "REST requests and long polls under way, by Janus server and use");

    internal static void Track(ISessionCounts counts) => Registries.TryAdd(counts, 0);

    internal static void Untrack(ISessionCounts counts) => Registries.TryRemove(counts, out _);

    internal static void Track(IRestConnectionCounts connections) => RestLinks.TryAdd(connections, 0);

    internal static void Untrack(IRestConnectionCounts connections) => RestLinks.TryRemove(connections, out _);

    private static IEnumerable<Measurement<long>> ObserveRestConnections() =>
        RestLinks.Keys.GroupBy(link => link.Server).SelectMany(server => new[]
        {
            new Measurement<long>(server.Sum(link => link.RequestsInFlight), new("server", server.Key), new("use", "request")),
            new Measurement<long>(server.Sum(link => link.PollsInFlight), new("server", server.Key), new("use", "poll")),
        });

    private static IEnumerable<Measurement<long>> ObserveServerSessions() => Sum(Registries.Keys.SelectMany(registry => registry.LiveByServer), "server");

    private static IEnumerable<Measurement<long>> ObserveSessions() => Sum(Registries.Keys.SelectMany(registry => registry.ByState), "state");

    private static IEnumerable<Measurement<long>> Sum(IEnumerable<KeyValuePair<string, long>> counts, string tag) =>
        counts.GroupBy(count => count.Key, count => count.Value)
            .Select(group => new Measurement<long>(group.Sum(), new KeyValuePair<string, object?>(tag, group.Key)));
}

/// <summary>A registry's sessions as the metrics read them, from any thread, without a message to its actor.</summary>
internal interface ISessionCounts
{
    /// <summary>Sessions by state name (<c>creating</c>, <c>active</c>, <c>reclaiming</c>, <c>lost</c>, <c>destroyed</c>), zeros included.</summary>
    IEnumerable<KeyValuePair<string, long>> ByState { get; }

    /// <summary>Live (not ended) sessions by Janus server.</summary>
    IEnumerable<KeyValuePair<string, long>> LiveByServer { get; }
}

/// <summary>A node's connections to one Janus server's HTTP transport as the metrics read them, from any thread.</summary>
internal interface IRestConnectionCounts
{
    string Server { get; }

    int RequestsInFlight { get; }

    int PollsInFlight { get; }
}
