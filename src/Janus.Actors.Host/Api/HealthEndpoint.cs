using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Janus.Actors.Diagnostics;
using Janus.Actors.Host.Configuration;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Janus.Actors.Supervision;
using Microsoft.AspNetCore.Authorization;

namespace Janus.Actors.Host.Api;

/// <summary>
/// Liveness and readiness, for probes and operators. Neither shows a session or a Janus session id.
/// <list type="bullet">
/// <item><c>GET /healthz</c> (open without the API token): the process is alive — the actor system runs and the session
/// supervisor (in a cluster: this node's session registry) answers. Restarting the process is the cure for a failure
/// here, so it depends on neither the journal, Janus nor the other nodes: an outage of any of them must not make an
/// orchestrator restart a host that would come back to the same outage.</item>
/// <item><c>GET /readyz</c> (needs the token when one is set): the host can serve — the journal answers <c>SELECT 1</c>,
/// Janus answers <c>info</c>, every persisted session is registered after a start (single node), and in a cluster this
/// node is an up member. 503 with the reasons when not.</item>
/// </list>
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan JournalCheckTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JanusCheckTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SupervisorCheckTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckLivenessAsync).WithMetadata(new AllowAnonymousAttribute());
        app.MapGet("/readyz", CheckReadinessAsync);
        return app;
    }

    private static async Task<IResult> CheckLivenessAsync(IServiceProvider services, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (services.GetService<ActorSystem>() is not { WhenTerminated.IsCompleted: false })
            return Unavailable("the actor system is not running");

        // A supervisor that failed to start (or is wedged) leaves the API answering nothing but timeouts. Identify goes
        // through its mailbox like any request, and costs nothing however many sessions it holds: no journal, no other node.
        using var supervisorTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        supervisorTimeout.CancelAfter(SupervisorCheckTimeout);
        try
        {
            var supervisor = await services.GetRequiredService<IRequiredActor<IJanusSessions>>().GetAsync(supervisorTimeout.Token);
            await supervisor.Ask<ActorIdentity>(new Identify(null), supervisorTimeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            loggers.CreateLogger(typeof(HealthEndpoint)).LogWarning("Health check: the session supervisor did not answer: {Failure}", e.Message);
            return Unavailable($"the session supervisor did not answer within {SupervisorCheckTimeout.TotalSeconds:0} s");
        }
        return TypedResults.Json(new HealthResponse("ok"), HostJsonContext.Api.HealthResponse);
    }

    private static async Task<IResult> CheckReadinessAsync(HostSettings settings, ActorSystem system, IRequiredActor<IJanusSessions> sessions,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(HealthEndpoint));
        // All at once: a probe should take as long as the slowest check, not the sum.
        var journal = CheckJournalAsync(settings.Journal, cancellationToken);
        var janus = CheckJanusAsync(settings.Janus, cancellationToken);
        var recovery = CheckRecoveryAsync(sessions, cancellationToken);
        var (journalFailure, (janusInfo, janusFailure), recoveryFailure) = (await journal, await janus, await recovery);
        var clusterFailure = settings.Cluster is null ? null : CheckMembership(system);

        var reasons = new[] { journalFailure, janusFailure, recoveryFailure, clusterFailure }.OfType<string>().ToArray();
        if (reasons.Length > 0)
        {
            var reason = string.Join("; ", reasons);
            if (ReadinessChanged(reason)) logger.LogWarning("Not ready: {Reasons}", reason);
            return TypedResults.Json(new ReadinessResponse("unavailable", reason, null),
                HostJsonContext.Api.ReadinessResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        if (ReadinessChanged(null)) logger.LogInformation("Ready");
        var server = new JanusServerResponse(janusInfo!.Version, janusInfo.SessionTimeoutSeconds, janusInfo.ReclaimSessionTimeoutSeconds);
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

    /// <summary>Null when the journal answers, else why not (without secrets: CheckAsync words it so).</summary>
    private static async Task<string?> CheckJournalAsync(JanusJournalOptions journal, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JournalCheckTimeout);
        try
        {
            await JanusPersistence.CheckAsync(journal, timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the {journal} did not answer within {JournalCheckTimeout.TotalSeconds:0} s";
        }
        catch (JanusJournalUnavailableException e)
        {
            return e.Message;
        }
    }

    private static async Task<(JanusServerInfo? Info, string? Failure)> CheckJanusAsync(JanusOptions janus, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JanusCheckTimeout);
        try
        {
            return (await JanusServerProbe.InfoAsync(janus, timeout.Token), null);
        }
        catch (JanusServerUnavailableException e) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Null once every persisted session is registered after a start (a request for any of them is answered at once).</summary>
    private static async Task<string?> CheckRecoveryAsync(IRequiredActor<IJanusSessions> sessions, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SupervisorCheckTimeout);
        try
        {
            var registry = await sessions.GetAsync(timeout.Token);
            return (await registry.Ask<SessionRegistryProtocol.Readiness>(SessionRegistryProtocol.GetReadiness.Instance, timeout.Token)).NotReadyReason;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or AskTimeoutException)
        {
            return $"the session supervisor did not answer within {SupervisorCheckTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>Null when this node is an up member: sessions can be placed on it and its API reaches every shard.</summary>
    private static string? CheckMembership(ActorSystem system)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var status = cluster.SelfMember.Status;
        return status == MemberStatus.Up ? null : $"this node is {status.ToString().ToLowerInvariant()} in the cluster, not up";
    }

    private static IResult Unavailable(string reason) =>
        TypedResults.Json(new HealthResponse("unavailable", reason), HostJsonContext.Api.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
