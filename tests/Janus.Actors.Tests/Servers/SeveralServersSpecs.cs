using Janus.Actors.Tests.Host;
using Janus.Actors.Tests.Integration;
using Microsoft.Data.Sqlite;

namespace Janus.Actors.Tests.Servers;

/// <summary>
/// One host, several real Janus servers (<c>Janus:Servers</c>): sessions spread by the default placement, each reclaimed
/// on its own server after a SIGKILL, a restarted server ending only its own sessions, drain (with Janus's own 472), a
/// journal of the single-server days replaying on the server named <c>default</c>, and a server removed from the
/// configuration while its sessions live. What Janus holds is read from each server's Admin API, not from the host.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SeveralServersSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private readonly JanusServer _a = NewJanus();
    private readonly JanusServer _b = NewJanus();

    /// <summary>
    /// Windows of a minute: a restarted server's sessions claim on their backoff timers (up to 5 s apart) after up to a
    /// keep-alive period (15 s) of silence, and must still be inside the window for the loss to read as a restart.
    /// </summary>
    private static JanusServer NewJanus() => new(new JanusServerOptions
    {
        SessionTimeoutSeconds = 60,
        ReclaimSessionTimeoutSeconds = 60,
        DebugLevel = 3,
    });

    public Task InitializeAsync() => Task.WhenAll(_a.StartAsync(), _b.StartAsync());

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    /// <summary>The host's settings for these servers, probed every second (a restart or a drain shows within it).</summary>
    private static Dictionary<string, string?> Settings(params (string Name, JanusServer Janus)[] servers)
    {
        var settings = JanusHostSettings.For(servers);
        settings["Janus:ServerProbeInterval"] = "00:00:01";
        return settings;
    }

    [Fact]
    public async Task Sessions_spread_over_two_servers_and_after_a_SIGKILL_each_is_reclaimed_on_its_own()
    {
        await using var host = new HostProcess(Settings(("a", _a), ("b", _b)));
        await host.StartAsync();
        var handles = new Dictionary<string, long>();
        foreach (var (i, transport) in Enumerable.Repeat("websocket", 8).Concat(Enumerable.Repeat("rest", 2)).Index())
            handles[$"{transport}-{i}"] = (await host.CreateWithEchoHandleAsync($"{transport}-{i}", transport)).HandleId;

        var before = await ListAsync(host);
        Assert.Equal([5, 5], before.GroupBy(s => s.Server).OrderBy(g => g.Key).Select(g => g.Count()));
        await AssertJanusHoldsAsync(before);

        await host.KillAsync();
        await host.StartAsync();
        await host.WaitForReadyAsync(Patience);
        var after = await Eventually.ReturnsAsync(() => ListAsync(host),
            sessions => sessions.Count == before.Count && sessions.All(s => s.State == "active"), Patience, "every session active again");

        Assert.Equal(before.Select(s => (s.Key, s.JanusId, s.Server)), after.Select(s => (s.Key, s.JanusId, s.Server)));
        await AssertJanusHoldsAsync(after);
        foreach (var (key, handleId) in handles)
            await host.AssertEchoAsync(key, handleId);
    }

    [Fact]
    public async Task A_restarted_server_ends_only_its_own_sessions_and_takes_new_ones_once_it_is_up()
    {
        await using var host = new HostProcess(Settings(("a", _a), ("b", _b)));
        await host.StartAsync();
        var handles = new Dictionary<string, long>();
        for (var i = 0; i < 4; i++)
            handles[$"call-{i}"] = (await host.CreateWithEchoHandleAsync($"call-{i}", "websocket")).HandleId;
        Assert.Equal("b", (await CreateAsync(host, "rest-on-b", server: "b", transport: "rest")).Server);
        var onB = (await ListAsync(host)).Where(s => s.Server == "b").Select(s => s.Key).ToList();
        Assert.Equal(3, onB.Count); // two WebSocket sessions, one REST
        await using var events = await host.OpenEventsAsync(onB[0]);

        await _b.StopAsync();
        await WaitForServerStateAsync(host, "b", "unreachable");
        var whileDown = await CreateAsync(host, "while-b-is-down");
        Assert.Equal("a", whileDown.Server);
        await _b.StartAsync();

        var ended = await events.ReadUntilAsync("ended", Patience);
        Assert.Equal("lost", ended.Json.GetProperty("state").GetString());
        Assert.StartsWith("server restart: Janus server 'b'", ended.Json.GetProperty("error").GetProperty("reason").GetString());
        var sessions = await Eventually.ReturnsAsync(() => ListAsync(host),
            list => list.Where(s => onB.Contains(s.Key)).All(s => s.State == "lost"), Patience, "b's sessions lost");
        Assert.All(sessions.Where(s => onB.Contains(s.Key)), s => Assert.Contains("the server restarted", s.Reason));
        await host.WaitForLogAsync("Janus server 'b' restarted: 3 of its sessions ended lost", Patience);
        Assert.Single(host.Log().Split('\n'), line => line.Contains("Janus server 'b' restarted"));

        foreach (var key in handles.Keys.Except(onB))
        {
            Assert.Equal("active", sessions.Single(s => s.Key == key).State);
            await host.AssertEchoAsync(key, handles[key]);
        }
        await WaitForServerStateAsync(host, "b", "up");
        Assert.Equal("b", (await CreateAsync(host, "after-b-is-back")).Server); // b holds none now, a three
    }

    [Fact]
    public async Task A_drained_server_takes_no_new_session_its_own_keep_working_and_Janus_itself_refuses_creates()
    {
        await using var host = new HostProcess(Settings(("a", _a), ("b", _b)));
        await host.StartAsync();
        var onA = await host.CreateWithEchoHandleAsync("first", "websocket"); // both empty: the first in order
        var onB = await host.CreateWithEchoHandleAsync("second", "websocket");
        Assert.Equal(["a", "b"], (await ListAsync(host)).Select(s => s.Server));

        using (var drained = await host.PostJsonAsync("v1/servers/b/drain", "{}"))
        {
            var body = await host.ReadJsonAsync(drained, HttpStatusCode.OK);
            Assert.True(body.GetProperty("janusTold").GetBoolean());
            Assert.Equal("draining", body.GetProperty("server").GetProperty("state").GetString());
        }
        await Eventually.TrueAsync(async () => (await ServersAsync(host)).GetProperty("b").GetProperty("janus").GetProperty("acceptingNewSessions").GetBoolean() == false,
            Patience, "b's own info saying it accepts no new sessions");
        await using (var raw = await _b.ConnectRawClientAsync())
        {
            var refused = await Assert.ThrowsAsync<JanusRequestException>(() => raw.CreateSessionAsync());
            Assert.Equal(472, refused.JanusCode);
        }

        for (var i = 0; i < 4; i++)
            Assert.Equal("a", (await CreateAsync(host, $"new-{i}")).Server);
        // The drained server's session keeps working: its handle answers, and a new handle attaches.
        await host.AssertEchoAsync("second", onB.HandleId);
        using (var attached = await host.PostJsonAsync("v1/sessions/second/handles", """{"plugin":"janus.plugin.echotest"}"""))
            await host.AssertEchoAsync("second", (await host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64());
        await host.AssertEchoAsync("first", onA.HandleId);

        using (var undrained = await host.PostJsonAsync("v1/servers/b/undrain", "{}"))
            Assert.Equal("up", (await host.ReadJsonAsync(undrained, HttpStatusCode.OK)).GetProperty("server").GetProperty("state").GetString());
        await WaitForServerStateAsync(host, "b", "up");
        Assert.Equal("b", (await CreateAsync(host, "after-undrain")).Server);
        using var unknown = await host.PostJsonAsync("v1/servers/c/drain", "{}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_create_Janus_refuses_with_472_moves_to_the_next_server()
    {
        // Drained behind the host's back, and probed only at start: the host still thinks b takes sessions.
        var settings = Settings(("a", _a), ("b", _b));
        settings["Janus:ServerProbeInterval"] = "01:00:00";
        await using var host = new HostProcess(settings);
        await host.StartAsync();
        await WaitForServerStateAsync(host, "b", "up");
        using (var admin = _b.CreateAdminClient())
            await admin.AcceptNewSessionsAsync(false);

        var placed = new List<string>();
        for (var i = 0; i < 4; i++)
            placed.Add((await CreateAsync(host, $"call-{i}")).Server);

        Assert.All(placed, server => Assert.Equal("a", server));
        await host.WaitForLogAsync("Janus server 'b' did not take session", Patience);
        using var adminB = _b.CreateAdminClient();
        Assert.Empty(await adminB.ListSessionsAsync());
    }

    [Fact]
    public async Task A_journal_of_the_single_server_days_replays_on_the_server_named_default()
    {
        // Two Janus sessions journaled as the previous release wrote them (manifest 'created', no server name).
        await using var raw = await _a.ConnectRawClientAsync();
        var legacy = new[] { await raw.CreateSessionAsync(), await raw.CreateSessionAsync() };
        var single = new Dictionary<string, string?> { ["Janus:WebSocketUrl"] = _a.WebSocketUrl.ToString() };
        await using var before = new HostProcess(single);
        await before.StartAsync();
        var today = await CreateAsync(before, "today");
        Assert.Equal("default", today.Server);
        Assert.Equal(0, await before.StopAsync());
        JournalAsPreviousRelease(Path.Combine(before.WorkingDirectory, "data", "janus-actors.db"), legacy);

        var upgraded = Settings(("default", _a), ("b", _b));
        await using var after = new HostProcess(upgraded, before.WorkingDirectory);
        await after.StartAsync();
        var sessions = await Eventually.ReturnsAsync(() => ListAsync(after),
            list => list.Count == 3 && list.All(s => s.State == "active"), Patience, "the three sessions active");

        Assert.All(sessions, s => Assert.Equal("default", s.Server));
        Assert.Equal(legacy.Append(today.JanusId).Order(), sessions.Select(s => s.JanusId).Order());
        using var admin = _a.CreateAdminClient();
        Assert.Equal(legacy.Append(today.JanusId).Order(), (await admin.ListSessionsAsync()).Order());
    }

    [Fact]
    public async Task A_server_removed_while_its_sessions_live_stops_the_host_unless_it_is_marked_retired()
    {
        await using var first = new HostProcess(Settings(("a", _a), ("b", _b)));
        await first.StartAsync();
        await CreateAsync(first, "on-a", server: "a");
        await CreateAsync(first, "on-b-1", server: "b");
        await CreateAsync(first, "on-b-2", server: "b");
        await first.StopAsync();

        await using (var withoutB = new HostProcess(Settings(("a", _a)), first.WorkingDirectory))
        {
            Assert.Equal(2, await withoutB.RunToExitAsync(Patience));
            var line = Assert.Single(withoutB.Log().Split('\n'), l => l.Contains("Janus servers the configuration does not have"));
            Assert.Contains("'b': 2 sessions", line);
        }
        using (var adminB = _b.CreateAdminClient())
            Assert.Equal(2, (await adminB.ListSessionsAsync()).Length); // nothing was ended or claimed elsewhere

        var retired = Settings(("a", _a), ("b", _b));
        retired["Janus:Servers:1:Retired"] = "true";
        await using var withBRetired = new HostProcess(retired, first.WorkingDirectory);
        await withBRetired.StartAsync();
        var sessions = await Eventually.ReturnsAsync(() => ListAsync(withBRetired),
            list => list.Count == 3 && list.All(s => s.State != "reclaiming"), Patience, "every session settled");
        Assert.Equal("active", sessions.Single(s => s.Key == "on-a").State);
        Assert.All(sessions.Where(s => s.Server == "b"), s => Assert.Equal(("lost", true), (s.State, s.Reason?.StartsWith("server retired") == true)));
        Assert.Equal("retired", (await ServersAsync(withBRetired)).GetProperty("b").GetProperty("state").GetString());
    }

    private sealed record Session(string Key, long JanusId, string State, string Server, string? Reason);

    private static async Task<List<Session>> ListAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/sessions?limit=1000");
        var list = await host.ReadJsonAsync(response, HttpStatusCode.OK);
        return list.EnumerateArray().Select(ToSession).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    private static Session ToSession(JsonElement s) => new(
        s.GetProperty("key").GetString()!,
        s.GetProperty("janusSessionId").GetInt64(),
        s.GetProperty("state").GetString()!,
        s.GetProperty("server").GetString()!,
        s.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.Object ? error.GetProperty("reason").GetString() : null);

    private static async Task<Session> CreateAsync(HostProcess host, string key, string? server = null, string transport = "websocket")
    {
        using var created = await host.PostJsonAsync("v1/sessions", server is null
            ? $$"""{"key":"{{key}}","transport":"{{transport}}"}"""
            : $$"""{"key":"{{key}}","transport":"{{transport}}","server":"{{server}}"}""");
        return ToSession(await host.ReadJsonAsync(created, HttpStatusCode.Created));
    }

    /// <summary><c>GET /v1/servers</c> as an object keyed by server name.</summary>
    private static async Task<JsonElement> ServersAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/servers");
        var servers = await host.ReadJsonAsync(response, HttpStatusCode.OK);
        var byName = servers.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s);
        return JsonSerializer.SerializeToElement(byName);
    }

    private static Task WaitForServerStateAsync(HostProcess host, string server, string state) =>
        Eventually.TrueAsync(async () => (await ServersAsync(host)).GetProperty(server).GetProperty("state").GetString() == state,
            Patience, $"server {server} {state}");

    /// <summary>Every session is held by its own server's Janus, and by no other.</summary>
    private async Task AssertJanusHoldsAsync(IReadOnlyList<Session> sessions)
    {
        foreach (var (name, janus) in new[] { ("a", _a), ("b", _b) })
        {
            using var admin = janus.CreateAdminClient();
            Assert.Equal(sessions.Where(s => s.Server == name).Select(s => s.JanusId).Order(), (await admin.ListSessionsAsync()).Order());
        }
        output.WriteLine(string.Join(", ", sessions.Select(s => $"{s.Key}@{s.Server}")));
    }

    /// <summary>
    /// Journals a created event for each id exactly as the release before servers had names did: manifest
    /// <c>created</c>, no server in the payload, Janus.Actors' event serializer (4711).
    /// </summary>
    private static void JournalAsPreviousRelease(string database, IEnumerable<long> janusIds)
    {
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        foreach (var (i, id) in janusIds.Index())
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier)
                VALUES ($created, 0, $id, 1, $message, 'created', 4711)
                """;
            insert.Parameters.AddWithValue("$created", DateTime.UtcNow.Ticks);
            insert.Parameters.AddWithValue("$id", $"janus-session-legacy-{i}");
            insert.Parameters.AddWithValue("$message", Encoding.UTF8.GetBytes($$"""{"janusSessionId":{{id}},"transport":"webSocket","adopted":false}"""));
            insert.ExecuteNonQuery();
        }
    }
}
