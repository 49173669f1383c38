using Janus.Actors.Diagnostics;
using Janus.Actors.Host.Api;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Janus.Actors.Host.Diagnostics;

/// <summary>
/// OpenTelemetry export over OTLP, on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the SDK's own variables configure
/// the rest: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c>, …). Traces: every API request (ASP.NET Core), the library's spans
/// (<see cref="JanusTracing"/>: the façade's call and each request to Janus) and the HTTP client's (REST transport,
/// Admin API). Metrics: the <c>Janus.Actors</c> meter, ASP.NET Core's and the runtime's. <c>GET /metrics</c> (Prometheus)
/// is served either way.
/// </summary>
public static class HostTelemetry
{
    /// <summary>The standard variable that turns the export on.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddTo(WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointVariable])) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName: "janus-actors-host", autoGenerateServiceInstanceId: true))
            .WithTracing(tracing => tracing
                .AddSource(JanusTracing.SourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !HealthEndpoint.IsProbe(context.Request.Path)) // not worth a trace each
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(JanusMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter());
    }
}
