using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The mission, proven with real parts: a host process holding live Janus sessions is killed with SIGKILL and
/// started again on the same journal; every session comes back active with its Janus id, Janus keeps it well past
/// its session_timeout (so keep-alives resumed with the right ids), and every handle still answers.
/// </summary>
public abstract class HostCrashSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SessionsPerTransport = 10;
    private const int SessionTimeoutSeconds = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly JanusServer _janus = new(new JanusServerOptions
    {
        SessionTimeoutSeconds = SessionTimeoutSeconds,
        ReclaimSessionTimeoutSeconds = 20,
        DebugLevel = 3,
    });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    /// <summary>The journal settings of the host under test.</summary>
    protected abstract Task<Dictionary<string, string?>> JournalSettingsAsync();

    [Fact]
    public async Task Every_session_survives_a_SIGKILL_of_the_host()
    {
        var settings = await JournalSettingsAsync();
        settings["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString();
        settings["Janus:RestUrl"] = _janus.RestUrl.ToString();
        await using var host = new HostProcess(settings);
        await host.StartAsync();

        var before = new Dictionary<string, (long JanusId, long HandleId)>();
        foreach (var transport in new[] { "websocket", "rest" })
            for (var i = 0; i < SessionsPerTransport; i++)
            {
                var key = $"{transport}-{i}";
                before[key] = await host.CreateWithEchoHandleAsync(key, transport);
            }

        await host.KillAsync();
        Assert.Equal(137, host.ExitCode);
        var killedAt = DateTime.UtcNow;
        await host.StartAsync();

        // Ready means every persisted session is registered: from then on a request for any of them is answered at once.
        await host.WaitForReadyAsync(Patience);
        using (var counts = await host.Http.GetAsync("v1/session-counts"))
            Assert.Equal(before.Count, (await host.ReadJsonAsync(counts, HttpStatusCode.OK)).GetProperty("total").GetInt32());

        var after = await Eventually.ReturnsAsync(() => ListAsync(host),
            sessions => sessions.Count == before.Count && sessions.All(s => s.State == "active" && s.Reclaims >= 1),
            Patience, "every session active again");
        output.WriteLine($"All {after.Count} sessions active {(DateTime.UtcNow - killedAt).TotalMilliseconds:F0} ms after SIGKILL");
        foreach (var session in after)
        {
            Assert.Equal(before[session.Key].JanusId, session.JanusSessionId);
            Assert.Equal([before[session.Key].HandleId], session.HandleIds);
        }

        // Twice Janus's session_timeout (plus its timer slack): only keep-alives with the right ids keep them.
        using var admin = _janus.CreateAdminClient();
        var watchUntil = DateTime.UtcNow.AddSeconds(2 * SessionTimeoutSeconds + 4);
        while (DateTime.UtcNow < watchUntil)
        {
            var alive = (await admin.ListSessionsAsync()).ToHashSet();
            var missing = before.Where(s => !alive.Contains(s.Value.JanusId)).Select(s => s.Key).ToList();
            Assert.True(missing.Count == 0, $"Janus dropped {string.Join(", ", missing)}. Host log:\n{host.LogTail()}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        foreach (var (key, (_, handleId)) in before)
            await host.AssertEchoAsync(key, handleId);
        await AssertPagesAsync(host, before.Keys);
    }

    /// <summary>Seven at a time in key order, following the Link header, and filtered by state: what a UI with 10,000 rows does.</summary>
    private static async Task AssertPagesAsync(HostProcess host, IEnumerable<string> keys)
    {
        var listed = new List<string>();
        var pages = 0;
        for (var next = "v1/sessions?limit=7&state=active"; next is not null; pages++)
        {
            using var response = await host.Http.GetAsync(next);
            var page = await host.ReadJsonAsync(response, HttpStatusCode.OK);
            Assert.InRange(page.GetArrayLength(), 1, 7);
            listed.AddRange(page.EnumerateArray().Select(s => s.GetProperty("key").GetString()!));
            next = response.Headers.TryGetValues("Link", out var link)
                ? System.Text.RegularExpressions.Regex.Match(link.Single(), "^</(.+)>; rel=\"next\"$").Groups[1].Value
                : null;
        }
        Assert.Equal(keys.Order(StringComparer.Ordinal), listed);
        Assert.Equal(3, pages);

        using (var lost = await host.Http.GetAsync("v1/sessions?state=lost"))
            Assert.Equal(0, (await host.ReadJsonAsync(lost, HttpStatusCode.OK)).GetArrayLength());
        using (var counts = await host.Http.GetAsync("v1/session-counts"))
            Assert.Equal(listed.Count, (await host.ReadJsonAsync(counts, HttpStatusCode.OK)).GetProperty("states").GetProperty("active").GetInt32());
        foreach (var bad in new[] { "limit=0", "limit=1001", "limit=x", "state=sleeping", "after=a%20b" })
        {
            using var response = await host.Http.GetAsync($"v1/sessions?{bad}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"?{bad} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Sessions_of_a_Janus_that_restarted_while_the_host_was_dead_end_lost_with_458_and_one_line_says_why()
    {
        var settings = await JournalSettingsAsync();
        settings["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString();
        await using var host = new HostProcess(settings);
        await host.StartAsync();
        foreach (var key in new[] { "call-1", "call-2", "call-3" })
        {
            using var created = await host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"websocket"}""");
            await host.ReadJsonAsync(created, HttpStatusCode.Created);
        }

        await host.KillAsync();
        await _janus.RestartAsync(); // a Janus restart ends every Janus session
        await host.StartAsync();

        var after = await Eventually.ReturnsAsync(() => ListAsync(host), sessions => sessions.Count == 3 && sessions.All(s => s.State == "lost"),
            Patience, "every session lost");
        Assert.All(after, s => Assert.Equal(0, s.Reclaims));
        var line = await host.WaitForLogAsync("appears to have restarted");
        Assert.Contains("Janus server 'default' answered 458 No such session to all 3 of its sessions", line);
    }

    private sealed record ListedSession(string Key, long? JanusSessionId, string State, int Reclaims, long[] HandleIds);

    private static async Task<IReadOnlyList<ListedSession>> ListAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/sessions");
        var sessions = await host.ReadJsonAsync(response, HttpStatusCode.OK);
        return sessions.EnumerateArray().Select(s => new ListedSession(
            s.GetProperty("key").GetString()!,
            s.GetProperty("janusSessionId").ValueKind == JsonValueKind.Number ? s.GetProperty("janusSessionId").GetInt64() : null,
            s.GetProperty("state").GetString()!,
            s.GetProperty("reclaims").GetInt32(),
            s.GetProperty("handles").EnumerateArray().Select(h => h.GetProperty("handleId").GetInt64()).ToArray())).ToList();
    }
}

/// <summary>The crash proof on the embedded default: one SQLite file in the host's working directory.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SqliteHostCrashSpecs(ITestOutputHelper output) : HostCrashSpecs(output)
{
    protected override Task<Dictionary<string, string?>> JournalSettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Journal:Provider"] = "sqlite" });
}

/// <summary>The crash proof on a real PostgreSQL 15 server.</summary>
[Collection(PostgresCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class PostgreSqlHostCrashSpecs(PostgresFixture postgres, ITestOutputHelper output) : HostCrashSpecs(output)
{
    protected override async Task<Dictionary<string, string?>> JournalSettingsAsync() => new()
    {
        ["Journal:Provider"] = "postgresql",
        ["Journal:ConnectionString"] = await postgres.Server.CreateDatabaseAsync(),
    };
}
