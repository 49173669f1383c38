using Akka.Actor;
using Janus.Actors.Host.Configuration;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.AspNetCore.Authorization;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /healthz</c>, open without the API token: 200 <c>{"status":"ok"}</c> when the actor system runs, the session
/// supervisor answers, and the journal answers <c>SELECT 1</c>; else 503 with the reason. It never shows a session or a
/// Janus session id.
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan JournalCheckTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SupervisorCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Looked up to see that the supervisor answers; '/' makes it a key no API caller can create.</summary>
    private const string ProbeKey = "/healthz";

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).WithMetadata(new AllowAnonymousAttribute());
        return app;
    }

    private static async Task<IResult> CheckAsync(IServiceProvider services, IJanusSessions sessions, HostSettings settings, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (services.GetService<ActorSystem>() is not { WhenTerminated.IsCompleted: false })
            return Unavailable("the actor system is not running");

        // A supervisor that failed to start (or is wedged) leaves the API answering nothing but timeouts.
        using (var supervisorTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            supervisorTimeout.CancelAfter(SupervisorCheckTimeout);
            try
            {
                await sessions.GetAsync(ProbeKey, supervisorTimeout.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                loggers.CreateLogger(typeof(HealthEndpoint)).LogWarning("Health check: the session supervisor did not answer: {Failure}", e.Message);
                return Unavailable($"the session supervisor did not answer within {SupervisorCheckTimeout.TotalSeconds:0} s");
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JournalCheckTimeout);
        try
        {
            await JanusPersistence.CheckAsync(settings.Journal, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable($"the {settings.Journal} did not answer within {JournalCheckTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // CheckAsync words its message without secrets (no connection string).
            loggers.CreateLogger(typeof(HealthEndpoint)).LogWarning("Health check failed: {Reason}", e.Message);
            return Unavailable(e.Message);
        }
        return TypedResults.Json(new HealthResponse("ok"), HostJsonContext.Api.HealthResponse);
    }

    private static IResult Unavailable(string reason) =>
        TypedResults.Json(new HealthResponse("unavailable", reason), HostJsonContext.Api.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
}
