using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// <c>GET /metrics</c> of the real host in front of a real Janus: the <c>Janus.Actors</c> meter in Prometheus text format,
/// with values that follow what happens to sessions. Each test runs its own host, so the process-wide counters start at 0.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostMetricsSpecs(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Token = "metrics-token";

    [Fact]
    public async Task Metrics_follow_sessions_through_create_and_a_reclaim_after_SIGKILL()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            // Nothing listens on port 9: a REST session fails its transport, which is counted.
            ["Janus:RestUrl"] = "http://127.0.0.1:9/janus",
            ["Api:Token"] = Token,
        });
        await host.StartAsync();

        var before = await ScrapeAsync(host);
        Assert.Equal(0, before.Value("janus_actors_sessions", ("state", "active")));
        Assert.Equal(0, before.Value("janus_actors_sessions", ("state", "reclaiming")));
        Assert.Contains(before, s => s.Name == "process_cpu_seconds_total");

        // Two sessions with an echotest handle each: two active sessions, requests answered, keep-alives timed.
        foreach (var key in new[] { "metrics-1", "metrics-2" })
        {
            using var created = await host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"websocket"}""");
            await host.ReadJsonAsync(created, HttpStatusCode.Created);
            using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", """{"plugin":"janus.plugin.echotest"}""");
            await host.ReadJsonAsync(attached, HttpStatusCode.Created);
        }
        // Adopting a session Janus does not have: a claim failed with Janus's code 458.
        using (var refused = await host.PostJsonAsync("v1/sessions", """{"key":"metrics-adopt","transport":"websocket","adoptJanusSessionId":4242424242}"""))
            await host.ReadJsonAsync(refused, HttpStatusCode.BadGateway);
        // A REST session whose transport cannot connect.
        using (var unreachable = await host.PostJsonAsync("v1/sessions", """{"key":"metrics-rest","transport":"rest"}"""))
            await host.ReadJsonAsync(unreachable, HttpStatusCode.ServiceUnavailable);

        // Both sessions' keep-alives go out together: wait for a scrape between them and their answers, where no request
        // is in flight (one stuck without an answer would keep this from ever coming).
        var created2 = await Eventually.ReturnsAsync(() => ScrapeAsync(host),
            m => m.Value("janus_actors_keepalive_rtt_seconds_count") >= 1 && m.Value("janus_actors_requests_in_flight") == 0,
            Patience, "a keep-alive round trip, and no request in flight");
        Assert.Equal(2, created2.Value("janus_actors_sessions", ("state", "active")));
        Assert.Equal(0, created2.Value("janus_actors_sessions", ("state", "creating")));
        Assert.Equal(2, created2.Value("janus_actors_server_sessions", ("server", "default")));
        Assert.Equal(1, created2.Value("janus_actors_claims_total", ("outcome", "failed"), ("code", "458")));
        Assert.Null(created2.Value("janus_actors_claims_total", ("outcome", "ok"), ("code", "0")));
        Assert.True(created2.Value("janus_actors_transport_failures_total", ("transport", "rest")) >= 1, Dump(created2));
        Assert.Contains(created2, s => s.Name == "janus_actors_keepalive_rtt_seconds_bucket" && s.Labels["le"] == "0.001");

        // Crash and come back: both sessions are reclaimed, and the new process says so.
        await host.KillAsync();
        await host.StartAsync();
        var reclaimed = await Eventually.ReturnsAsync(() => ScrapeAsync(host),
            m => m.Value("janus_actors_sessions", ("state", "active")) == 2, Patience, "both sessions active again");
        Assert.Equal(2, reclaimed.Value("janus_actors_claims_total", ("outcome", "ok"), ("code", "0")));
        Assert.Equal(2, reclaimed.Value("janus_actors_reclaim_duration_seconds_count"));
        Assert.True(reclaimed.Value("janus_actors_reclaim_duration_seconds_sum") > 0, Dump(reclaimed));
        Assert.Equal(0, reclaimed.Value("janus_actors_sessions", ("state", "reclaiming")));

        // A destroyed session moves to "destroyed".
        using (var destroyed = await host.Http.DeleteAsync("v1/sessions/metrics-1"))
            Assert.Equal(HttpStatusCode.NoContent, destroyed.StatusCode);
        var after = await ScrapeAsync(host);
        Assert.Equal(1, after.Value("janus_actors_sessions", ("state", "active")));
        Assert.Equal(1, after.Value("janus_actors_sessions", ("state", "destroyed")));
    }

    [Fact]
    public async Task Metrics_need_the_api_token_when_one_is_set()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Api:Token"] = Token,
        });
        await host.StartAsync();

        using var anonymous = host.CreateClient(null);
        using var refused = await anonymous.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var answered = await host.Http.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.StartsWith("text/plain", answered.Content.Headers.ContentType?.ToString());
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        return PrometheusText.Parse(text);
    }

    private static string Dump(IReadOnlyList<PrometheusSample> samples) =>
        string.Join('\n', samples.Where(s => s.Name.StartsWith("janus_actors_", StringComparison.Ordinal)));
}
