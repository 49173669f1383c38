using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Akka.Actor;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>The request itself is wrong (400, or <see cref="StatusCode"/>): the message says what to fix.</summary>
public sealed class ApiInputException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// The one place where exceptions become HTTP answers. Endpoints just throw (or let the façade's typed
/// exceptions through); this middleware picks the status and writes an RFC 9457 problem (<c>application/problem+json</c>:
/// <c>title</c>, <c>status</c>, <c>detail</c> saying what to fix, and <c>janusCode</c>/<c>janusReason</c> when Janus refused).
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
            var problem = Map(exception);
            if (problem.Status == StatusCodes.Status500InternalServerError)
                logger.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path.Value);
            else if (problem.Status > StatusCodes.Status500InternalServerError)
                logger.LogWarning("{Method} {Path} answered {StatusCode}: {Failure}", context.Request.Method, context.Request.Path.Value, problem.Status, exception.Message);
            else
                logger.LogDebug("{Method} {Path} answered {StatusCode}: {Error}", context.Request.Method, context.Request.Path.Value, problem.Status, problem.Detail);

            if (context.Response.HasStarted)
                return; // e.g. an event stream that already sent its headers: all we can do is end it.
            context.Response.Clear();
            if (problem.Status == StatusCodes.Status503ServiceUnavailable)
                context.Response.Headers.RetryAfter = "1";
            await WriteAsync(context, problem);
        }
    }

    /// <summary>Writes <paramref name="problem"/> as <c>application/problem+json</c> with its status.</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem) =>
        TypedResults.Problem(problem).ExecuteAsync(context);

    /// <summary>A problem of <paramref name="status"/> saying <paramref name="detail"/>, with Janus's code and reason when it refused.</summary>
    public static ProblemDetails Problem(int status, string detail, int? janusCode = null, string? janusReason = null)
    {
        var problem = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail };
        if (janusCode is { } code) problem.Extensions["janusCode"] = code;
        if (janusReason is { } reason) problem.Extensions["janusReason"] = reason;
        return problem;
    }

    /// <summary>Exception → problem. Janus session ids never appear in one (they are capabilities).</summary>
    public static ProblemDetails Map(Exception exception) => exception switch
    {
        ApiInputException e => Problem(e.StatusCode, e.Message),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            Problem(StatusCodes.Status413PayloadTooLarge, "request body is too large"),
        BadHttpRequestException e => Problem(e.StatusCode, "bad request: " + e.Message),
        JsonException e => Problem(StatusCodes.Status400BadRequest,
            e.Path is { Length: > 1 } path ? $"request body is not valid JSON for this request (at {path})" : "request body is not valid JSON"),
        JanusSessionExistsException e => Problem(StatusCodes.Status409Conflict, $"session '{e.SessionKey}' exists already"),
        JanusSessionNotFoundException e => Problem(StatusCodes.Status404NotFound, $"no session '{e.SessionKey}'"),
        JanusSessionReclaimException { JanusCode: { } code } e => Problem(StatusCodes.Status502BadGateway,
            $"Janus refused to claim the session for '{e.SessionKey}'", code, e.Reason),
        JanusSessionReclaimException e => Problem(StatusCodes.Status503ServiceUnavailable,
            $"Janus is unreachable: could not claim the session for '{e.SessionKey}': {e.Reason}"),
        JanusRequestException e => Problem(StatusCodes.Status502BadGateway, $"Janus refused {e.Request}", e.JanusCode, e.Reason),
        // An ended session will not come back: retrying is pointless, so this is a conflict, not "unavailable".
        JanusSessionUnavailableException { State: JanusSessionStatus.Lost or JanusSessionStatus.Destroyed } e =>
            Problem(StatusCodes.Status409Conflict, e.Message),
        JanusSessionUnavailableException e => Problem(StatusCodes.Status503ServiceUnavailable, e.Message),
        JanusServerNotFoundException e => Problem(StatusCodes.Status400BadRequest, e.Message),
        JanusNoServerAvailableException e => Problem(StatusCodes.Status503ServiceUnavailable, e.Message),
        JanusSessionTimeoutException or AskTimeoutException or TimeoutException => Problem(StatusCodes.Status504GatewayTimeout, "timed out waiting for the session"),
        _ => Problem(StatusCodes.Status500InternalServerError, "internal error"),
    };
}
