// A backend's calls to the host through the C# client NSwag generates from the OpenAPI document (namespace Generated,
// JanusActorsClient), compiled by GeneratedClientSpecs at run time: not part of the test project. Returns "ok", or throws.
using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;

namespace Generated;

public static class ClientDrive
{
    public static async Task<string> RunAsync(string baseUrl, string token)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var api = new JanusActorsClient(baseUrl, http);

        var created = await api.CreateSessionAsync(new CreateSessionRequest { Key = "cs-client", Transport = "websocket" });
        long janusId = created.JanusSessionId ?? throw new InvalidOperationException("a created session has no Janus id");
        Check(janusId > 0 && created.State == JanusSessionStatus.Active, $"created {created.State} with Janus id {janusId}");

        var attached = await api.AttachHandleAsync(created.Key, new AttachHandleRequest { Plugin = "janus.plugin.echotest" });
        var reply = await api.SendPluginMessageAsync(created.Key, attached.HandleId,
            new SendMessageRequest { Body = JsonDocument.Parse("""{"audio":true}""").RootElement });
        Check(JsonSerializer.Serialize(reply.Plugindata).Contains("\"result\":\"ok\"", StringComparison.Ordinal), $"the echotest answered {JsonSerializer.Serialize(reply.Plugindata)}");

        var page = await api.ListSessionsAsync(state: null, limit: 1, after: null);
        Check(page.Count == 1, $"a page of {page.Count}");
        var active = await api.ListSessionsAsync(state: State.Active, limit: null, after: null);
        Check(active.All(session => session.State == JanusSessionStatus.Active), "sessions in one state");

        try
        {
            await api.GetSessionAsync("no-such-session");
            throw new InvalidOperationException("a session nobody created was found");
        }
        catch (ApiException<ProblemDetails> missing) when (missing.StatusCode == 404)
        {
            Check(!string.IsNullOrEmpty(missing.Result.Detail), "the problem says why");
        }

        await api.DestroySessionAsync(created.Key);
        return "ok";
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException($"FAILED: {what}");
    }
}
