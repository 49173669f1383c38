using Janus.Actors.Host.Configuration;
using Janus.Actors.Hosting;
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
        sessions.MapGet("/{key}", GetAsync);
        sessions.MapDelete("/{key}", DestroyAsync);
        sessions.MapPost("/{key}/handles", AttachAsync);
        sessions.MapPost("/{key}/handles/{handleId:long}/messages", SendAsync);
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

    private static async Task<IResult> ListAsync(IJanusSessions facade, CancellationToken cancellationToken)
    {
        var all = await facade.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SessionResponse>>(all.Select(SessionResponse.From).ToArray());
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
}
