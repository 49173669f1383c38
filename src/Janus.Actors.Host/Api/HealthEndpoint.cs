using Akka.Actor;
using Akka.Hosting;
using Janus.Actors.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Janus.Actors.Host.Api;

/// <summary>
/// Liveness and readiness, for probes and operators. Neither shows a session or a Janus session id.
/// <list type="bullet">
/// <item><c>GET /healthz</c> (open without the API token): the process is alive — the actor system runs and the session
/// registry answers (on one node and on each cluster node alike). Restarting the process is the cure for a failure
/// here, so it depends on neither the journal, Janus nor the other nodes: an outage of any of them must not make an
/// orchestrator restart a host that would come back to the same outage.</item>
/// <item><c>GET /readyz</c> (needs the token when one is set): the host can serve — the library's health checks tagged
/// <see cref="ReadinessTag"/> (<see cref="JanusHealthChecks"/>): the journal answers <c>SELECT 1</c>, Janus answers
/// <c>info</c>, every persisted session is registered after a start (single node), and in a cluster this node is an up
/// member. 503 with the reasons when not.</item>
/// </list>
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan RegistryCheckTimeout = TimeSpan.FromSeconds(3);
    private const string LivenessPath = "/healthz";
    private const string ReadinessPath = "/readyz";

    /// <summary>A request of an orchestrator's probes (every few seconds, forever).</summary>
    public static bool IsProbe(PathString path) => path.StartsWithSegments(LivenessPath) || path.StartsWithSegments(ReadinessPath);

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(LivenessPath, CheckLivenessAsync).WithMetadata(new AllowAnonymousAttribute()).WithTags("Health").WithName("Liveness")
            .WithSummary("The process is alive (open without the token)")
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet(ReadinessPath, CheckReadinessAsync).WithTags("Health").WithName("Readiness")
            .WithSummary("The host can serve: journal, Janus, every persisted session registered (in a cluster: this node is up)")
            .Produces<ReadinessResponse>().Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CheckLivenessAsync(IServiceProvider services, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (services.GetService<ActorSystem>() is not { WhenTerminated.IsCompleted: false })
            return Unavailable("the actor system is not running");

        // A registry that failed to start (or is wedged) leaves the API answering nothing but timeouts. Identify goes
        // through its mailbox like any request, and costs nothing however many sessions it holds: no journal, no other node.
        using var registryTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        registryTimeout.CancelAfter(RegistryCheckTimeout);
        try
        {
            var registry = await services.GetRequiredService<IRequiredActor<IJanusSessions>>().GetAsync(registryTimeout.Token);
            await registry.Ask<ActorIdentity>(new Identify(null), registryTimeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(HealthEndpoint)).LogWarning("Health check: the session registry did not answer: {Failure}", e.Message);
            return Unavailable($"the session registry did not answer within {RegistryCheckTimeout.TotalSeconds:0} s");
        }
        return TypedResults.Json(new HealthResponse("ok"), HostJsonContext.Api.HealthResponse);
    }

    /// <summary>The tag of the library's checks (<see cref="JanusHealthChecks"/>) that make up <c>/readyz</c>.</summary>
    public const string ReadinessTag = "ready";

    // The reasons in this order, whatever order the checks finish in.
    private static readonly string[] ReadinessChecks = [JanusHealthChecks.Journal, JanusHealthChecks.Server, JanusHealthChecks.Sessions];

    private static async Task<IResult> CheckReadinessAsync(HealthCheckService health, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(HealthEndpoint));
        // The checks run at once: a probe takes as long as the slowest, not the sum.
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadinessTag), cancellationToken);
        var reasons = ReadinessChecks
            .Select(name => report.Entries.TryGetValue(name, out var entry) && entry.Status != HealthStatus.Healthy ? entry.Description ?? name : null)
            .OfType<string>().ToArray();
        if (reasons.Length > 0)
        {
            var reason = string.Join("; ", reasons);
            if (ReadinessChanged(reason)) logger.LogWarning("Not ready: {Reasons}", reason);
            return TypedResults.Json(new ReadinessResponse("unavailable", reason, null),
                HostJsonContext.Api.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (ReadinessChanged(null)) logger.LogInformation("Ready");
        var janus = report.Entries[JanusHealthChecks.Server].Data;
        var server = new JanusServerResponse((string)janus[JanusHealthChecks.VersionKey], (int)janus[JanusHealthChecks.SessionTimeoutKey],
            (int)janus[JanusHealthChecks.ReclaimSessionTimeoutKey]);
        return TypedResults.Json(new ReadinessResponse("ready", null, server), HostJsonContext.Api.ReadinessResponse);
    }

    // What readiness said last, with its numbers blanked: probes and the status page ask every second, and a standby or a
    // Janus outage must cost one log line when it starts and one when it ends, not one per probe.
    private static string? _lastReadiness = "";

    private static bool ReadinessChanged(string? reason)
    {
        var kind = reason is null ? null : System.Text.RegularExpressions.Regex.Replace(reason, @"\d+", "#");
        return Interlocked.Exchange(ref _lastReadiness, kind) != kind;
    }

    private static IResult Unavailable(string reason) =>
        TypedResults.Json(new HealthResponse("unavailable", reason), HostJsonContext.Api.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
