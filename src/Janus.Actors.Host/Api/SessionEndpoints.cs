using Janus.Actors.Host.Configuration;
using Janus.Actors.Hosting;
using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>/v1/sessions</c>: thin translations between HTTP and <see cref="IJanusSessions"/>. Validation failures and the
/// façade's exceptions are thrown and turned into answers by <see cref="ApiErrors"/>.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions");
        sessions.MapPost("/", CreateAsync);
        sessions.MapGet("/", ListAsync);
        app.MapGet("/v1/session-counts", CountAsync);
        sessions.MapGet("/{key}", GetAsync);
        sessions.MapDelete("/{key}", DestroyAsync);
        sessions.MapPost("/{key}/handles", AttachAsync);
        sessions.MapPost("/{key}/handles/{handleId:long}/messages", SendAsync);
        sessions.MapPost("/{key}/handles/{handleId:long}/trickle", TrickleAsync);
        sessions.MapPost("/{key}/handles/{handleId:long}/hangup", HangupAsync);
        sessions.MapDelete("/{key}/handles/{handleId:long}", DetachAsync);
        sessions.MapGet("/{key}/events", (HttpContext context, IJanusSessions facade, IHostApplicationLifetime lifetime, string key) =>
            EventStream.WriteAsync(context, facade, ApiInput.Key(key), lifetime.ApplicationStopping));
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IJanusSessions facade, HostSettings settings)
    {
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.CreateSessionRequest);
        var key = ApiInput.Key(body.Key);
        var transport = TransportNames.Parse(body.Transport ?? TransportNames.WebSocket)
                        ?? throw new ApiInputException($"transport must be '{TransportNames.WebSocket}' or '{TransportNames.Rest}'");
        if ((transport == Transports.JanusTransportKind.WebSocket ? settings.Janus.WebSocketUrl : settings.Janus.RestUrl) is null)
            throw new ApiInputException($"transport '{TransportNames.Name(transport)}' is not configured on this host");
        var adopt = ApiInput.AdoptId(body.AdoptJanusSessionId);

        var info = await facade.CreateAsync(key, transport, adopt, request.HttpContext.RequestAborted);
        return TypedResults.Created($"/v1/sessions/{Uri.EscapeDataString(info.Key)}", SessionResponse.From(info));
    }

    private static async Task<IResult> ListAsync(HttpContext context, IJanusSessions facade, CancellationToken cancellationToken)
    {
        var query = SessionPage.From(context.Request);
        var (page, next) = query.Apply(await facade.ListAsync(cancellationToken));
        if (next is not null) context.Response.Headers.Link = $"</v1/sessions?{next}>; rel=\"next\"";
        return TypedResults.Ok<IReadOnlyList<SessionResponse>>(page.Select(SessionResponse.From).ToArray());
    }

    /// <summary><c>GET /v1/session-counts</c>: how many sessions are in each state, without listing them.</summary>
    private static async Task<IResult> CountAsync(IJanusSessions facade, CancellationToken cancellationToken)
    {
        var all = await facade.ListAsync(cancellationToken);
        var byState = Enum.GetValues<JanusSessionStatus>().ToDictionary(JanusMetrics.StateName, _ => 0);
        foreach (var session in all) byState[JanusMetrics.StateName(session.State)]++;
        return TypedResults.Ok(new SessionCountsResponse(all.Count, byState));
    }

    private static async Task<IResult> GetAsync(string key, IJanusSessions facade, CancellationToken cancellationToken)
    {
        var info = await facade.GetAsync(ApiInput.Key(key), cancellationToken) ?? throw new JanusSessionNotFoundException(key);
        return TypedResults.Ok(SessionResponse.From(info));
    }

    private static async Task<IResult> DestroyAsync(string key, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.DestroyAsync(ApiInput.Key(key), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AttachAsync(string key, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.AttachHandleRequest);
        var handleId = await facade.AttachAsync(key, ApiInput.Plugin(body.Plugin), ApiInput.OpaqueId(body.OpaqueId), request.HttpContext.RequestAborted);
        return TypedResults.Created((string?)null, new HandleAttachedResponse(handleId));
    }

    private static async Task<IResult> SendAsync(string key, long handleId, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.SendMessageRequest);
        var message = ApiInput.Object(body.Body, "body", required: true)!.Value;
        var jsep = ApiInput.Object(body.Jsep, "jsep", required: false);
        var reply = await facade.SendAsync(key, handleId, message, jsep, request.HttpContext.RequestAborted);
        return TypedResults.Ok(new PluginReplyResponse(reply.PluginData, reply.Jsep));
    }

    /// <summary>An ICE candidate for the handle's PeerConnection; Janus acknowledges it, nothing comes back.</summary>
    private static async Task<IResult> TrickleAsync(string key, long handleId, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.TrickleRequest);
        var candidate = ApiInput.Object(body.Candidate, "candidate", required: true)!.Value;
        await facade.TrickleAsync(key, handleId, candidate, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>Ends the handle's PeerConnection; the handle stays attached.</summary>
    private static async Task<IResult> HangupAsync(string key, long handleId, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.HangupAsync(ApiInput.Key(key), handleId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Detaches the handle from its plugin; the session stays.</summary>
    private static async Task<IResult> DetachAsync(string key, long handleId, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.DetachAsync(ApiInput.Key(key), handleId, cancellationToken);
        return TypedResults.NoContent();
    }
}
