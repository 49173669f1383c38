using System.Security.Cryptography;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// One host with <c>Api:Token</c> set and no Janus behind it (its WebSocket URL is a closed port): everything here is
/// answered before a request would reach Janus, so the tests share it. None of them creates a session.
/// </summary>
public sealed class TokenProtectedHost : IAsyncLifetime
{
    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string JanusApiSecret { get; } = "janus-secret-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    public HostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/",
            ["Janus:ApiSecret"] = JanusApiSecret,
            ["Api:Token"] = Token,
        });
        await Host.StartAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostApiSpecs(TokenProtectedHost fixture) : IClassFixture<TokenProtectedHost>
{
    private HostProcess Host => fixture.Host;

    [Theory]
    [InlineData("GET", "v1/sessions")]
    [InlineData("POST", "v1/sessions")]
    [InlineData("GET", "v1/sessions/call-1")]
    [InlineData("DELETE", "v1/sessions/call-1")]
    [InlineData("POST", "v1/sessions/call-1/handles")]
    [InlineData("POST", "v1/sessions/call-1/handles/1/messages")]
    [InlineData("POST", "v1/sessions/call-1/handles/1/trickle")]
    [InlineData("POST", "v1/sessions/call-1/handles/1/hangup")]
    [InlineData("DELETE", "v1/sessions/call-1/handles/1")]
    [InlineData("GET", "v1/sessions/call-1/events")]
    [InlineData("GET", "no/such/path")]
    public async Task Requests_without_the_right_bearer_token_are_refused(string method, string path)
    {
        foreach (var token in new[] { null, "wrong", fixture.Token + "x", fixture.Token[..^1] })
        {
            using var client = Host.CreateClient(token);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
                request.Content = new StringContent("""{"key":"call-1","plugin":"janus.plugin.echotest","body":{}}""", Encoding.UTF8, "application/json");

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with token '{token}' answered {(int)response.StatusCode}");
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task The_right_token_is_accepted_in_any_scheme_casing()
    {
        using var client = Host.CreateClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + fixture.Token);

        using var response = await client.GetAsync("v1/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_is_open_without_a_token_and_says_ok()
    {
        using var client = Host.CreateClient(null);

        using var response = await client.GetAsync("healthz");

        var body = await Host.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Secrets_never_reach_the_log()
    {
        // Provoke some logging first: a refused request and a failed validation.
        using (var anonymous = Host.CreateClient(null))
            (await anonymous.GetAsync("v1/sessions")).Dispose();
        (await Host.PostJsonAsync("v1/sessions", """{"key":"a b"}""")).Dispose();

        var log = Host.Log();
        Assert.DoesNotContain(fixture.Token, log);
        Assert.DoesNotContain(fixture.JanusApiSecret, log);
        Assert.Contains("API token set", log);
    }

    public static TheoryData<string, string, string> BadSessionBodies => new()
    {
        { "v1/sessions", "this is not JSON", "not valid JSON" },
        { "v1/sessions", "[1,2]", "not valid JSON" },
        { "v1/sessions", "null", "JSON object" },
        { "v1/sessions", """{"key":42}""", "not valid JSON" },
        { "v1/sessions", """{"key":"call-1","adoptJanusSessionId":"4242"}""", "not valid JSON" }, // numbers are JSON numbers, as documented
        { "v1/sessions", """{"transport":"websocket"}""", "key is required" },
        { "v1/sessions", """{"key":"   "}""", "key is required" },
        { "v1/sessions", $$"""{"key":"{{new string('k', 129)}}"}""", "longer than 128" },
        { "v1/sessions", """{"key":"call 1"}""", "key may only contain" },
        { "v1/sessions", """{"key":"call/1"}""", "key may only contain" },
        { "v1/sessions", """{"key":"café"}""", "key may only contain" },
        { "v1/sessions", """{"key":"call-1","transport":"sip"}""", "transport must be" },
        { "v1/sessions", """{"key":"call-1","transport":"WebSocket"}""", "transport must be" },
        { "v1/sessions", """{"key":"call-1","transport":"rest"}""", "not configured" },
        { "v1/sessions", """{"key":"call-1","adoptJanusSessionId":0}""", "adoptJanusSessionId" },
        { "v1/sessions", """{"key":"call-1","adoptJanusSessionId":-7}""", "adoptJanusSessionId" },
        { "v1/sessions", """{"key":"call-1","adoptJanusSessionId":9007199254740992}""", "adoptJanusSessionId" },
        { "v1/sessions/call-1/handles", """{}""", "plugin is required" },
        { "v1/sessions/call-1/handles", """{"plugin":"echotest"}""", "plugin must be" },
        { "v1/sessions/call-1/handles", """{"plugin":"janus.plugin.EchoTest"}""", "plugin must be" },
        { "v1/sessions/call-1/handles", """{"plugin":"janus.plugin.echo test"}""", "plugin must be" },
        { "v1/sessions/call%201/handles", """{"plugin":"janus.plugin.echotest"}""", "key may only contain" },
        { "v1/sessions/call-1/handles/1/trickle", """{}""", "candidate is required" },
        { "v1/sessions/call-1/handles/1/trickle", """{"candidate":"candidate:1 1 udp"}""", "candidate must be a JSON object" },
        { "v1/sessions/call-1/handles/1/messages", """{"jsep":{"type":"offer","sdp":""}}""", "body is required" },
        { "v1/sessions/call-1/handles/1/messages", """{"body":[1]}""", "body must be a JSON object" },
        { "v1/sessions/call-1/handles/1/messages", """{"body":{"audio":true},"jsep":"offer"}""", "jsep must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadSessionBodies))]
    public async Task Bad_input_is_answered_400_with_an_error_message(string path, string body, string expectedError)
    {
        using var response = await Host.PostJsonAsync(path, body);

        var error = await Host.ReadJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expectedError, error.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("v1/sessions/call%201")]
    [InlineData("v1/sessions/call%201/events")]
    public async Task A_bad_key_in_the_path_is_answered_400(string path)
    {
        using var response = await Host.Http.GetAsync(path);

        var error = await Host.ReadJsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("key may only contain", error.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_declared_as_json_is_answered_415()
    {
        using var response = await Host.Http.PostAsync("v1/sessions", new StringContent("""{"key":"call-1"}""", Encoding.UTF8, "text/plain"));

        var error = await Host.ReadJsonAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", error.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused()
    {
        var padding = new string(' ', 65 * 1024);
        using var response = await Host.PostJsonAsync("v1/sessions", $$"""{"key":"call-1"{{padding}}}""");

        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Creating_a_session_while_janus_is_unreachable_is_503_with_retry_after()
    {
        using var response = await Host.PostJsonAsync("v1/sessions", new { key = $"unreachable-{Guid.NewGuid():N}", transport = "websocket" });

        var error = await Host.ReadJsonAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("detail").GetString()));
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task An_unknown_session_is_404()
    {
        using var response = await Host.Http.GetAsync("v1/sessions/nobody-has-this-key");

        var error = await Host.ReadJsonAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("nobody-has-this-key", error.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_event_stream_of_an_unknown_session_is_404_not_an_empty_stream()
    {
        using var response = await Host.Http.GetAsync("v1/sessions/nobody-has-this-key/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
