using System.Text.Json;
using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>The request itself is wrong (400, or <see cref="StatusCode"/>): the message says what to fix.</summary>
public sealed class ApiInputException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The one place where exceptions become HTTP answers. Endpoints just throw (or let the façade's typed
/// exceptions through); this middleware picks the status and writes <c>{"error":...}</c>.
/// </summary>
public sealed class ApiErrors(RequestDelegate next, ILogger<ApiErrors> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away: nobody to answer.
        }
        catch (Exception exception)
        {
            var (status, body) = Map(exception);
            if (status == StatusCodes.Status500InternalServerError)
                logger.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
            else if (status > StatusCodes.Status500InternalServerError)
                logger.LogWarning("{Method} {Path} answered {StatusCode}: {Failure}", context.Request.Method, context.Request.Path.Value, status, exception.Message);
            else
                logger.LogDebug("{Method} {Path} answered {StatusCode}: {Error}", context.Request.Method, context.Request.Path.Value, status, body.Error);

            if (context.Response.HasStarted)
                return; // e.g. an event stream that already sent its headers: all we can do is end it.
            context.Response.Clear();
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
                context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(body, HostJsonContext.Api.ErrorResponse, cancellationToken: context.RequestAborted);
        }
    }

    /// <summary>Exception → status and body. Janus session ids never appear in a body (they are capabilities).</summary>
    public static (int Status, ErrorResponse Body) Map(Exception exception) => exception switch
    {
        ApiInputException e => (e.StatusCode, new ErrorResponse(e.Message)),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (StatusCodes.Status413PayloadTooLarge, new ErrorResponse("request body is too large")),
        BadHttpRequestException e => (e.StatusCode, new ErrorResponse("bad request: " + e.Message)),
        JsonException e => (StatusCodes.Status400BadRequest,
            new ErrorResponse(e.Path is { Length: > 1 } path ? $"request body is not valid JSON for this request (at {path})" : "request body is not valid JSON")),
        JanusSessionExistsException e => (StatusCodes.Status409Conflict, new ErrorResponse($"session '{e.SessionKey}' exists already")),
        JanusSessionNotFoundException e => (StatusCodes.Status404NotFound, new ErrorResponse($"no session '{e.SessionKey}'")),
        JanusSessionReclaimException { JanusCode: { } code } e => (StatusCodes.Status502BadGateway,
            new ErrorResponse($"Janus refused to claim the session for '{e.SessionKey}'", code, e.Reason)),
        JanusSessionReclaimException e => (StatusCodes.Status503ServiceUnavailable,
            new ErrorResponse($"Janus is unreachable: could not claim the session for '{e.SessionKey}': {e.Reason}")),
        JanusRequestException e => (StatusCodes.Status502BadGateway, new ErrorResponse($"Janus refused {e.Request}", e.JanusCode, e.Reason)),
        // An ended session will not come back: retrying is pointless, so this is a conflict, not "unavailable".
        JanusSessionUnavailableException { State: JanusSessionStatus.Lost or JanusSessionStatus.Destroyed } e =>
            (StatusCodes.Status409Conflict, new ErrorResponse(e.Message)),
        JanusSessionUnavailableException e => (StatusCodes.Status503ServiceUnavailable, new ErrorResponse(e.Message)),
        JanusSessionTimeoutException or AskTimeoutException or TimeoutException => (StatusCodes.Status504GatewayTimeout, new ErrorResponse("timed out waiting for the session")),
        _ => (StatusCodes.Status500InternalServerError, new ErrorResponse("internal error")),
    };
}
