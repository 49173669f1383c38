using Janus.Actors.Host.Configuration;
using Janus.Actors.Hosting;
using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>/v1/sessions</c>: thin translations between HTTP and <see cref="IJanusSessions"/>. Validation failures and the
/// façade's exceptions are thrown and turned into answers by <see cref="ApiErrors"/>.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions").WithTags("Sessions");
        sessions.MapPost("/", CreateAsync).WithName("CreateSession")
            .WithSummary("Create a Janus session under a key, or adopt an existing one by claiming its id")
            .Accepts<CreateSessionRequest>(Json).WithRequestExample("""{"key":"call-1","transport":"websocket"}""")
            .WithProblems(400, 409, 413, 415, 502, 503, 504);
        var servers = app.MapGroup("/v1/servers").WithTags("Servers");
        servers.MapGet("/", async (IJanusSessions facade, CancellationToken cancellationToken) =>
                TypedResults.Ok((await facade.ListServersAsync(cancellationToken)).Select(ServerResponse.From).ToArray()))
            .WithName("ListServers").WithSummary("Every configured Janus server: state, live sessions, what its info says");
        servers.MapPost("/{name}/drain", (string name, IJanusSessions facade, CancellationToken cancellationToken) =>
                DrainAsync(facade.DrainServerAsync(ApiInput.Name(name, "server")!, cancellationToken)))
            .WithName("DrainServer").WithProblems(400, 404)
            .WithSummary("Place no new session on the server (and, with its Admin API configured, make Janus refuse creates); its sessions keep working");
        servers.MapPost("/{name}/undrain", (string name, IJanusSessions facade, CancellationToken cancellationToken) =>
                DrainAsync(facade.UndrainServerAsync(ApiInput.Name(name, "server")!, cancellationToken)))
            .WithName("UndrainServer").WithProblems(400, 404).WithSummary("Place new sessions on the server again");
        sessions.MapGet("/", ListAsync).WithName("ListSessions")
            .WithSummary("A page of sessions in key order (?limit=&after=&state=); the Link header names the next page")
            .WithSessionPageQuery().WithProblems(400);
        app.MapGet("/v1/session-counts", CountAsync).WithName("CountSessions").WithTags("Sessions")
            .WithSummary("How many sessions are in each state");
        sessions.MapGet("/{key}", GetAsync).WithName("GetSession").WithSummary("One session").WithProblems(400, 404);
        sessions.MapDelete("/{key}", DestroyAsync).WithName("DestroySession")
            .WithSummary("Destroy the session in Janus (stopping the host never does)").WithProblems(400, 404, 409, 502, 503, 504);
        sessions.MapPost("/{key}/handles", AttachAsync).WithName("AttachHandle").WithSummary("Attach a plugin handle")
            .Accepts<AttachHandleRequest>(Json).WithRequestExample("""{"plugin":"janus.plugin.echotest"}""")
            .WithProblems(400, 404, 409, 413, 415, 502, 503, 504);
        sessions.MapPost("/{key}/handles/{handleId:long}/messages", SendAsync).WithName("SendPluginMessage")
            .WithSummary("Send a plugin message; the answer is the plugin's synchronous reply or its asynchronous event")
            .Accepts<SendMessageRequest>(Json).WithRequestExample("""{"body":{"audio":true}}""")
            .WithProblems(400, 404, 409, 413, 415, 502, 503, 504);
        sessions.MapPost("/{key}/handles/{handleId:long}/trickle", TrickleAsync).WithName("Trickle")
            .WithSummary("An ICE candidate for the handle's PeerConnection")
            .Accepts<TrickleRequest>(Json).WithProblems(400, 404, 409, 413, 415, 502, 503, 504);
        sessions.MapPost("/{key}/handles/{handleId:long}/hangup", HangupAsync).WithName("Hangup")
            .WithSummary("End the handle's PeerConnection; the handle stays attached").WithProblems(400, 404, 409, 502, 503, 504);
        sessions.MapDelete("/{key}/handles/{handleId:long}", DetachAsync).WithName("DetachHandle")
            .WithSummary("Detach the handle from its plugin; the session stays").WithProblems(400, 404, 409, 502, 503, 504);
        sessions.MapGet("/{key}/events", (HttpContext context, IJanusSessions facade, EventSubscriptions subscriptions, IHostApplicationLifetime lifetime,
                    string key) => EventStream.WriteAsync(context, facade, subscriptions, ApiInput.Key(key), lifetime.ApplicationStopping))
            .WithName("SessionEvents")
            .WithSummary("The session's notices as server-sent events (janus-event, reclaimed with each handle's state before it, ended); Last-Event-ID resumes")
            .Produces(StatusCodes.Status200OK, contentType: EventStream.ContentType).WithProblems(400, 404)
            .WithEventStreamNotices(new Dictionary<string, Type>
            {
                [EventStream.JanusEvent] = typeof(JanusEventNotice),
                [EventStream.Reclaimed] = typeof(ReclaimedNotice),
                [EventStream.Ended] = typeof(EndedNotice),
                [EventStream.Missed] = typeof(MissedNotice),
                [EventStream.HandleResynced] = typeof(HandleResyncedNotice),
                [EventStream.PendingOffer] = typeof(PendingOfferNotice),
                [EventStream.HandleGone] = typeof(HandleGoneNotice),
                [EventStream.HandleNotResynced] = typeof(HandleNotResyncedNotice),
                [EventStream.RoomResynced] = typeof(RoomResyncedNotice),
            });
        return app;
    }

    private const string Json = "application/json";

    private static async Task<Created<SessionResponse>> CreateAsync(HttpRequest request, IJanusSessions facade, HostSettings settings)
    {
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.CreateSessionRequest);
        var key = ApiInput.Key(body.Key);
        var transport = TransportNames.Parse(body.Transport ?? TransportNames.WebSocket)
                        ?? throw new ApiInputException($"transport must be '{TransportNames.WebSocket}' or '{TransportNames.Rest}'");
        if (!settings.Janus.EffectiveServers().Any(server => server.Serves(transport)))
            throw new ApiInputException($"transport '{TransportNames.Name(transport)}' is not configured on this host");
        var adopt = ApiInput.AdoptId(body.AdoptJanusSessionId);
        var command = new CreateSession(key, transport, adopt, ApiInput.Name(body.Server, "server"), ApiInput.Name(body.Zone, "zone"));

        var info = await facade.CreateAsync(command, request.HttpContext.RequestAborted);
        return TypedResults.Created($"/v1/sessions/{Uri.EscapeDataString(info.Key)}", SessionResponse.From(info));
    }

    /// <summary>A drain names a server in the path: an unknown one is 404 here (in a create's body it is a 400).</summary>
    private static async Task<Ok<DrainResponse>> DrainAsync(Task<Servers.JanusDrainResult> drain)
    {
        try
        {
            var result = await drain;
            return TypedResults.Ok(new DrainResponse(ServerResponse.From(result.Server), result.AdminProblem is null, result.AdminProblem));
        }
        catch (Servers.JanusServerNotFoundException e)
        {
            throw new ApiInputException(e.Message, StatusCodes.Status404NotFound);
        }
    }

    private static async Task<Ok<SessionResponse[]>> ListAsync(HttpContext context, IJanusSessions facade, CancellationToken cancellationToken)
    {
        var query = SessionPage.From(context.Request);
        var (page, next) = query.Apply(await facade.ListAsync(cancellationToken));
        if (next is not null) context.Response.Headers.Link = $"</v1/sessions?{next}>; rel=\"next\"";
        return TypedResults.Ok(page.Select(SessionResponse.From).ToArray());
    }

    /// <summary><c>GET /v1/session-counts</c>: how many sessions are in each state, without listing them.</summary>
    private static async Task<Ok<SessionCountsResponse>> CountAsync(IJanusSessions facade, CancellationToken cancellationToken)
    {
        var all = await facade.ListAsync(cancellationToken);
        var byState = Enum.GetValues<JanusSessionStatus>().ToDictionary(JanusSessionStatusNames.ToName, _ => 0);
        foreach (var session in all) byState[session.State.ToName()]++;
        return TypedResults.Ok(new SessionCountsResponse(all.Count, byState));
    }

    private static async Task<Ok<SessionResponse>> GetAsync(string key, IJanusSessions facade, CancellationToken cancellationToken)
    {
        var info = await facade.GetAsync(ApiInput.Key(key), cancellationToken) ?? throw new JanusSessionNotFoundException(key);
        return TypedResults.Ok(SessionResponse.From(info));
    }

    private static async Task<NoContent> DestroyAsync(string key, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.DestroyAsync(ApiInput.Key(key), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Created<HandleAttachedResponse>> AttachAsync(string key, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.AttachHandleRequest);
        var handleId = await facade.AttachAsync(key, ApiInput.Plugin(body.Plugin), ApiInput.OpaqueId(body.OpaqueId), request.HttpContext.RequestAborted);
        return TypedResults.Created((string?)null, new HandleAttachedResponse(handleId));
    }

    private static async Task<Ok<PluginReplyResponse>> SendAsync(string key, long handleId, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.SendMessageRequest);
        var message = ApiInput.Object(body.Body, "body", required: true)!.Value;
        var jsep = ApiInput.Object(body.Jsep, "jsep", required: false);
        var reply = await facade.SendAsync(key, handleId, message, jsep, request.HttpContext.RequestAborted);
        return TypedResults.Ok(new PluginReplyResponse(reply.PluginData, reply.Jsep));
    }

    /// <summary>An ICE candidate for the handle's PeerConnection; Janus acknowledges it, nothing comes back.</summary>
    private static async Task<NoContent> TrickleAsync(string key, long handleId, HttpRequest request, IJanusSessions facade)
    {
        key = ApiInput.Key(key);
        var body = await ApiInput.ReadJsonAsync(request, HostJsonContext.Api.TrickleRequest);
        var candidate = ApiInput.Object(body.Candidate, "candidate", required: true)!.Value;
        await facade.TrickleAsync(key, handleId, candidate, request.HttpContext.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>Ends the handle's PeerConnection; the handle stays attached.</summary>
    private static async Task<NoContent> HangupAsync(string key, long handleId, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.HangupAsync(ApiInput.Key(key), handleId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Detaches the handle from its plugin; the session stays.</summary>
    private static async Task<NoContent> DetachAsync(string key, long handleId, IJanusSessions facade, CancellationToken cancellationToken)
    {
        await facade.DetachAsync(ApiInput.Key(key), handleId, cancellationToken);
        return TypedResults.NoContent();
    }
}
