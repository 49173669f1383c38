using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// One writer per journal, with real host processes on a real journal and a real Janus: a second host on a held journal
/// refuses to start and names the holder, leaving the first one's sessions alone; a hot standby waits without touching
/// anything and takes every session over when the holder is SIGKILLed; a host restarted right after its own SIGKILL never
/// waits for its stale lease.
/// </summary>
public abstract class JournalLeaseSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SessionTimeoutSeconds = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly JanusServer _janus = new(new JanusServerOptions { SessionTimeoutSeconds = SessionTimeoutSeconds, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    /// <summary>The journal settings every host of one test shares.</summary>
    protected abstract Task<Dictionary<string, string?>> JournalSettingsAsync();

    protected ITestOutputHelper Output => output;

    protected async Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = await JournalSettingsAsync();
        settings["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString();
        settings["Janus:RestUrl"] = _janus.RestUrl.ToString();
        return settings;
    }

    [Fact]
    public async Task A_second_host_on_a_held_journal_exits_2_naming_the_holder_and_the_first_keeps_its_sessions()
    {
        var settings = await SettingsAsync();
        await using var first = new HostProcess(settings);
        await first.StartAsync();
        var (janusId, handle) = await first.CreateWithEchoHandleAsync("call-1", "websocket");

        await using var second = new HostProcess(settings);
        Assert.Equal(2, await second.RunToExitAsync());

        var refusal = second.Log().Split('\n').Single(l => l.Contains("is held by", StringComparison.Ordinal));
        Assert.Contains($"pid {first.ProcessId}", refusal);
        Assert.Contains("Journal:Standby=true", refusal);
        Assert.DoesNotContain("Reclaimed", second.Log());
        Assert.DoesNotContain("Journal scanned", second.Log());

        using var get = await first.Http.GetAsync("v1/sessions/call-1");
        var session = await first.ReadJsonAsync(get, HttpStatusCode.OK);
        Assert.Equal(("active", janusId, 0), (session.GetProperty("state").GetString(), session.GetProperty("janusSessionId").GetInt64(), session.GetProperty("reclaims").GetInt32()));
        using var attached = await first.PostJsonAsync("v1/sessions/call-1/handles", """{"plugin":"janus.plugin.echotest"}""");
        await first.ReadJsonAsync(attached, HttpStatusCode.Created);
        await first.AssertEchoAsync("call-1", handle);
    }

    [Fact]
    public async Task A_hot_standby_claims_nothing_while_the_holder_lives_and_takes_every_session_over_when_it_is_killed()
    {
        var settings = await SettingsAsync();
        await using var holder = new HostProcess(settings);
        await holder.StartAsync();
        var before = new Dictionary<string, (long JanusId, long Handle)>
        {
            ["ws-1"] = await holder.CreateWithEchoHandleAsync("ws-1", "websocket"),
            ["ws-2"] = await holder.CreateWithEchoHandleAsync("ws-2", "websocket"),
            ["rest-1"] = await holder.CreateWithEchoHandleAsync("rest-1", "rest"),
        };

        await using var standby = new HostProcess(new Dictionary<string, string?>(settings) { ["Journal:Standby"] = "true" });
        await standby.StartAsync(); // alive: /healthz 200
        await standby.WaitForLogAsync("Standby: the");
        for (var probe = 0; probe < 3; probe++) // as an orchestrator asks, again and again
        {
            using var ready = await standby.Http.GetAsync("readyz");
            Assert.StartsWith("standby: the", (await standby.ReadJsonAsync(ready, HttpStatusCode.ServiceUnavailable)).GetProperty("reason").GetString());
        }
        // Quiet while it waits: one line says it is not ready, no probe logs an error.
        Assert.Single(standby.Log().Split('\n'), line => line.Contains("Not ready: standby", StringComparison.Ordinal));
        Assert.DoesNotContain(" ERR] ", standby.Log());
        using (var listed = await standby.Http.GetAsync("v1/sessions"))
            Assert.Equal(0, (await standby.ReadJsonAsync(listed, HttpStatusCode.OK)).GetArrayLength());
        // The holder's sessions stay its own: never claimed by the standby.
        foreach (var key in before.Keys)
        {
            using var get = await holder.Http.GetAsync($"v1/sessions/{key}");
            Assert.Equal(0, (await holder.ReadJsonAsync(get, HttpStatusCode.OK)).GetProperty("reclaims").GetInt32());
        }
        Assert.DoesNotContain("Reclaimed", standby.Log());

        await holder.KillAsync();
        var killed = Stopwatch.StartNew();
        await standby.WaitForReadyAsync(Patience);
        var after = await Eventually.ReturnsAsync(async () =>
            {
                using var listed = await standby.Http.GetAsync("v1/sessions");
                return (await standby.ReadJsonAsync(listed, HttpStatusCode.OK)).EnumerateArray().ToList();
            },
            sessions => sessions.Count == before.Count && sessions.All(s => s.GetProperty("state").GetString() == "active"),
            Patience, "every session active on the standby");
        Output.WriteLine($"holder SIGKILL → all {after.Count} sessions active on the standby: {killed.ElapsedMilliseconds} ms");
        foreach (var session in after)
            Assert.Equal(before[session.GetProperty("key").GetString()!].JanusId, session.GetProperty("janusSessionId").GetInt64());

        // Past twice Janus's session_timeout: the standby's keep-alives carry the right ids.
        using var admin = _janus.CreateAdminClient();
        var watchUntil = DateTime.UtcNow.AddSeconds(2 * SessionTimeoutSeconds + 4);
        while (DateTime.UtcNow < watchUntil)
        {
            var alive = (await admin.ListSessionsAsync()).ToHashSet();
            Assert.All(before, s => Assert.Contains(s.Value.JanusId, alive));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        foreach (var (key, (_, handle)) in before)
            await standby.AssertEchoAsync(key, handle);
    }

    [Fact]
    public async Task A_host_restarted_right_after_its_SIGKILL_does_not_wait_for_its_own_lease()
    {
        await using var host = new HostProcess(await SettingsAsync());
        await host.StartAsync();
        var (janusId, _) = await host.CreateWithEchoHandleAsync("call-1", "websocket");

        await host.KillAsync();
        var restarted = Stopwatch.StartNew();
        await host.StartAsync();
        await host.WaitForReadyAsync(Patience);

        Output.WriteLine($"ready {restarted.ElapsedMilliseconds} ms after the restart");
        Assert.Equal(1, host.Log().Split('\n').Count(l => l.Contains("Journal scanned: 1 persisted", StringComparison.Ordinal)));
        Assert.DoesNotContain("is held by", host.Log());
        using var get = await host.Http.GetAsync("v1/sessions/call-1");
        Assert.Equal(janusId, (await host.ReadJsonAsync(get, HttpStatusCode.OK)).GetProperty("janusSessionId").GetInt64());
    }
}

/// <summary>The lease on the embedded default: a lock file beside one SQLite file that both hosts name by its absolute path.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SqliteJournalLeaseSpecs(ITestOutputHelper output) : JournalLeaseSpecs(output), IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("janus-lease-").FullName;

    protected override Task<Dictionary<string, string?>> JournalSettingsAsync() => Task.FromResult(new Dictionary<string, string?>
    {
        ["Journal:Provider"] = "sqlite",
        ["Journal:ConnectionString"] = $"Data Source={Path.Combine(_folder, "journal.db")}",
    });

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

/// <summary>The lease on PostgreSQL: an advisory lock; and a single-node host and a cluster node refuse each other's journal.</summary>
[Collection(PostgresCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class PostgreSqlJournalLeaseSpecs(PostgresFixture postgres, ITestOutputHelper output) : JournalLeaseSpecs(output)
{
    private string? _database;

    protected override async Task<Dictionary<string, string?>> JournalSettingsAsync() => new()
    {
        ["Journal:Provider"] = "postgresql",
        ["Journal:ConnectionString"] = _database ??= await postgres.Server.CreateDatabaseAsync(),
    };

    [Fact]
    public async Task A_single_node_host_and_a_cluster_node_refuse_each_others_journal()
    {
        var settings = await SettingsAsync();
        var port = LoopbackPorts.Free();
        var node = new Dictionary<string, string?>(settings)
        {
            ["Cluster:Enabled"] = "true",
            ["Cluster:Hostname"] = "127.0.0.1",
            ["Cluster:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:Seeds"] = $"127.0.0.1:{port}",
        };

        await using (var clusterNode = new HostProcess(node))
        {
            await clusterNode.StartAsync();
            await using var host = new HostProcess(settings);
            Assert.Equal(2, await host.RunToExitAsync());
            Assert.Contains("is held by janus-actors cluster node", host.Log());
            Assert.Equal(0, await clusterNode.StopAsync());
        }

        await using var single = new HostProcess(settings);
        await single.StartAsync();
        await using var lateNode = new HostProcess(node);
        Assert.Equal(2, await lateNode.RunToExitAsync());
        Assert.Contains("is held by janus-actors host", lateNode.Log());
        Output.WriteLine(lateNode.Log().Split('\n').Single(l => l.Contains("is held by", StringComparison.Ordinal)));
    }
}
