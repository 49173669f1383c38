using Akka.Actor;
using Janus.Actors.Host.Configuration;
using Janus.Actors.Persistence;
using Microsoft.AspNetCore.Authorization;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /healthz</c>, open without the API token: 200 <c>{"status":"ok"}</c> when the actor system runs and the
/// journal answers <c>SELECT 1</c>, else 503 with the reason. It never shows a session or a Janus session id.
/// </summary>
public static class HealthEndpoint
{
    private static readonly TimeSpan JournalCheckTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", CheckAsync).WithMetadata(new AllowAnonymousAttribute());
        return app;
    }

    private static async Task<IResult> CheckAsync(IServiceProvider services, HostSettings settings, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (services.GetService<ActorSystem>() is not { WhenTerminated.IsCompleted: false })
            return Unavailable("the actor system is not running");

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
