using Janus.Actors.Diagnostics;
using Prometheus;

namespace Janus.Actors.Host.Diagnostics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format (prometheus-net): the library's <c>Janus.Actors</c> meter as
/// <c>janus_actors_*</c> (see <see cref="MeterBridge"/>), the HTTP API's requests (<c>http_request_duration_seconds</c>,
/// <c>http_requests_in_progress</c>), and the process (<c>process_cpu_seconds_total</c>, memory, open files, threads).
/// </summary>
public static class HostMetrics
{
    public const string Path = "/metrics";

    private static readonly object Gate = new();
    private static IDisposable? _bridge;

    /// <summary>Buckets for durations in seconds: 1 ms to 2 minutes (a keep-alive round trip to a slow reclaim).</summary>
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    /// <summary>Starts publishing the <c>Janus.Actors</c> meter to prometheus-net's default registry, once per process.</summary>
    public static void Start()
    {
        lock (Gate)
        {
            if (_bridge is not null) return;
            // prometheus-net's event-counter listener allocates steadily and duplicates the process metrics; its meter
            // adapter would publish every meter of the process (see MeterBridge for why it is replaced).
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressEventCounters = true,
                SuppressMeters = true,
                SuppressDebugMetrics = true,
            });
            _bridge = new MeterBridge(Metrics.DefaultRegistry,
                instrument => instrument.Meter.Name == JanusMetrics.MeterName,
                instrument => instrument.Unit == "s" ? SecondsBuckets : Histogram.ExponentialBuckets(1, 2, 16));
        }
    }

    /// <summary>Counts and times the HTTP API's requests; goes after routing so requests are labelled by route.</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.UseHttpMetrics();

    /// <summary>Maps <c>GET /metrics</c>; it needs the API token like every endpoint but the health check.</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapMetrics(Path);
        return app;
    }
}
