using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The HTTP API's OpenAPI document, as a client generator in any language would read it: valid OpenAPI, the same as the
/// one the build writes into the repository, and true of the running host — every documented operation is routed, and
/// every answer the host gives in a walk through all of them (successes, refusals, Janus's errors) is documented.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class OpenApiSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private const string Token = "openapi-spec-token";
    private HostProcess _host = null!;
    private readonly List<(string Operation, int Status)> _answers = [];

    public async Task InitializeAsync()
    {
        _host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> ServedDocumentAsync()
    {
        using var response = await _host.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_served_document_is_valid_OpenAPI_and_the_one_the_build_wrote_into_the_repository()
    {
        var served = await ServedDocumentAsync();

        var (document, diagnostic) = OpenApiDocument.Parse(served, "json");
        Assert.Empty(diagnostic!.Errors);
        Assert.Equal("Janus.Actors host", document!.Info.Title);
        Assert.Equal(SecuritySchemeType.Http, document.Components!.SecuritySchemes!["bearer"].Type);
        var committed = File.ReadAllText(Path.Combine(HostProcess.RepositoryRoot(), "src", "Janus.Actors.Host", "openapi", "Janus.Actors.Host.json"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(committed)),
            "src/Janus.Actors.Host/openapi/Janus.Actors.Host.json differs from what the host serves: build the host and commit the file");
        // Without the token the document is not served either.
        using var anonymous = _host.CreateClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Every_documented_operation_is_routed_and_answers_only_documented_statuses()
    {
        var (document, _) = OpenApiDocument.Parse(await ServedDocumentAsync(), "json");
        var documented = document!.Paths.SelectMany(path => path.Value.Operations!.Select(op =>
                ($"{op.Key.ToString().ToUpperInvariant()} {path.Key}", op.Value.Responses!.Keys.Select(int.Parse).ToHashSet())))
            .ToDictionary(o => o.Item1, o => o.Item2);
        const string sessions = "/v1/sessions", session = "/v1/sessions/{key}", handles = "/v1/sessions/{key}/handles";
        const string handle = "/v1/sessions/{key}/handles/{handleId}";
        var key = $"doc-{Guid.NewGuid():N}";

        await CallAsync("GET", "/healthz", "healthz", token: null);
        await CallAsync("GET", "/readyz", "readyz");
        await CallAsync("POST", sessions, "v1/sessions", new { key, transport = "websocket" });
        await CallAsync("POST", sessions, "v1/sessions", new { key, transport = "websocket" }); // 409
        await CallAsync("POST", sessions, "v1/sessions", new { key = "bad key" }); // 400
        await CallAsync("POST", sessions, "v1/sessions", "plain text"); // 415
        await CallAsync("POST", sessions, "v1/sessions", new { key = "x" }, token: null); // 401
        await CallAsync("POST", sessions, "v1/sessions", new { key = "adopt-" + key, adoptJanusSessionId = 4242424242L }); // 502: 458
        await CallAsync("GET", sessions, "v1/sessions");
        await CallAsync("GET", sessions, "v1/sessions?limit=0"); // 400
        await CallAsync("GET", "/v1/session-counts", "v1/session-counts");
        await CallAsync("GET", session, $"v1/sessions/{key}");
        await CallAsync("GET", session, "v1/sessions/nobody-has-this-key"); // 404
        var handleId = (await CallAsync("POST", handles, $"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" }))!["handleId"]!.GetValue<long>();
        await CallAsync("POST", handles, $"v1/sessions/{key}/handles", new { plugin = "janus.plugin.nosuchplugin" }); // 502: 460
        await CallAsync("POST", handles, "v1/sessions/nobody-has-this-key/handles", new { plugin = "janus.plugin.echotest" }); // 404
        await CallAsync("POST", handle + "/messages", $"v1/sessions/{key}/handles/{handleId}/messages", new { body = new { audio = true } });
        await CallAsync("POST", handle + "/messages", $"v1/sessions/{key}/handles/{handleId}/messages", new { body = 1 }); // 400
        await CallAsync("POST", handle + "/trickle", $"v1/sessions/{key}/handles/{handleId}/trickle", new { candidate = new { completed = true } });
        await CallAsync("POST", handle + "/hangup", $"v1/sessions/{key}/handles/{handleId}/hangup");
        await CallAsync("DELETE", handle, $"v1/sessions/{key}/handles/{handleId}");
        await CallAsync("GET", session + "/events", "v1/sessions/nobody-has-this-key/events"); // 404
        await using (var events = await _host.OpenEventsAsync(key))
            _answers.Add(($"GET {session}/events", 200));
        await CallAsync("DELETE", session, $"v1/sessions/{key}");
        await CallAsync("DELETE", session, $"v1/sessions/{key}"); // 409: ended
        await CallAsync("GET", "/v1/servers", "v1/servers");
        await CallAsync("POST", "/v1/servers/{name}/drain", "v1/servers/default/drain");
        await CallAsync("POST", "/v1/servers/{name}/drain", "v1/servers/nosuchserver/drain"); // 404
        await CallAsync("POST", "/v1/servers/{name}/drain", "v1/servers/bad%20name/drain"); // 400
        await CallAsync("POST", "/v1/servers/{name}/undrain", "v1/servers/default/undrain");

        Assert.All(_answers, answer => Assert.True(documented.TryGetValue(answer.Operation, out var statuses) && statuses.Contains(answer.Status),
            $"{answer.Operation} answered {answer.Status}, which the document does not list ({(statuses is null ? "no such operation" : string.Join(", ", statuses.Order()))})"));
        Assert.Equal(documented.Keys.Order(), _answers.Select(a => a.Operation).Distinct().Order());
    }

    /// <summary>Sends the request, records which documented operation answered what, and returns the JSON body (null if none).</summary>
    private async Task<JsonNode?> CallAsync(string method, string template, string path, object? body = null, string? token = Token)
    {
        using var client = _host.CreateClient(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is string text) request.Content = new StringContent(text, Encoding.UTF8, "text/plain");
        else if (body is not null || method == "POST") request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        _answers.Add(($"{method} {template}", (int)response.StatusCode));
        var content = await response.Content.ReadAsStringAsync();
        // Errors are problems; the health checks answer 503 with their own report instead.
        if ((int)response.StatusCode >= 400 && template.StartsWith("/v1/", StringComparison.Ordinal))
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return content.Length > 0 && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true ? JsonNode.Parse(content) : null;
    }
}
