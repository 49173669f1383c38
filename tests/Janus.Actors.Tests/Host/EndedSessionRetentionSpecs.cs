using System.Data.Common;
using Janus.Actors.Tests.Integration;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// A year of calls must not weigh on the host: a session that ended stays listed for <c>Journal:EndedSessionRetention</c>,
/// then is forgotten — gone from the lists and counts, its rows gone from the journal's database, its key free for a new
/// session that survives a SIGKILL like any other — also when it ended while the host was dead.
/// </summary>
public abstract class EndedSessionRetentionSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Calls of create → attach → destroy, <see cref="InFlight"/> at a time, as a busy backend makes them.</summary>
    protected virtual int Calls => 1_000;
    private const int InFlight = 16;
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] LiveKeys = ["live-0", "live-1", "live-2"];

    private readonly JanusServer _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    /// <summary>The journal settings of the host under test (<c>Journal:*</c>).</summary>
    protected abstract Task<Dictionary<string, string?>> JournalSettingsAsync(string workingDirectory);

    /// <summary>A plain connection to the journal's database, to count its rows.</summary>
    protected abstract DbConnection Connect(Dictionary<string, string?> settings);

    [Fact]
    public async Task Ended_sessions_are_forgotten_after_their_retention_and_their_keys_serve_new_sessions_across_a_SIGKILL()
    {
        var directory = Directory.CreateTempSubdirectory("janus-retention-").FullName;
        var settings = await JournalSettingsAsync(directory);
        settings["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString();
        settings["Journal:EndedSessionRetention"] = Retention.ToString();
        await using var host = new HostProcess(settings, directory);
        await host.StartAsync();

        var live = new Dictionary<string, (long JanusId, long HandleId)>();
        foreach (var key in LiveKeys) live[key] = await host.CreateWithEchoHandleAsync(key, "websocket");
        var clock = Stopwatch.StartNew();
        var firstJanusIds = await MakeCallsAsync(host);
        output.WriteLine($"{Calls} calls of create → attach → destroy in {clock.ElapsedMilliseconds} ms");

        // Every call's session is forgotten once its retention has passed: counts, lists and the journal hold the live ones only.
        await WaitForTotalAsync(host, LiveKeys.Length, "the ended sessions forgotten");
        output.WriteLine($"counts back to the {LiveKeys.Length} live sessions {clock.ElapsedMilliseconds} ms after the first call");
        Assert.Equal(LiveKeys.Order(), (await ListKeysAsync(host)).Order());
        Assert.Equal(0, await CountRowsAsync(settings, "janus-session-call-%"));
        Assert.Equal(LiveKeys.Length * 2, await CountRowsAsync(settings, "janus-session-live-%")); // created + attached each
        using (var gone = await host.Http.GetAsync("v1/sessions/call-7"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // A forgotten key serves a new Janus session.
        var reused = await host.CreateWithEchoHandleAsync("call-0", "websocket");
        Assert.NotEqual(firstJanusIds["call-0"], reused.JanusId);
        // A session Janus loses while the host is dead ends on the next start, and is then forgotten in turn.
        var late = await host.CreateWithEchoHandleAsync("late", "websocket");

        await host.KillAsync();
        using (var admin = _janus.CreateAdminClient())
            await admin.DestroySessionAsync(late.JanusId);
        await host.StartAsync();

        await Eventually.ReturnsAsync(() => GetStateAsync(host, "late"), state => state is "lost" or null, Patience, "the late session ended");
        await WaitForTotalAsync(host, LiveKeys.Length + 1, "the late session forgotten");
        Assert.Equal(0, await CountRowsAsync(settings, "janus-session-late"));
        foreach (var key in LiveKeys.Append("call-0"))
            Assert.Equal("active", await Eventually.ReturnsAsync(() => GetStateAsync(host, key), state => state == "active", Patience, $"{key} active"));
        foreach (var (key, (_, handleId)) in live) await host.AssertEchoAsync(key, handleId);
        await host.AssertEchoAsync("call-0", reused.HandleId);
        using var janusAdmin = _janus.CreateAdminClient();
        Assert.Equal(live.Values.Select(s => s.JanusId).Append(reused.JanusId).Order(), (await janusAdmin.ListSessionsAsync()).Order());
    }

    /// <summary>The calls, <see cref="InFlight"/> at a time; returns each key's Janus session id.</summary>
    private async Task<Dictionary<string, long>> MakeCallsAsync(HostProcess host)
    {
        var ids = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Calls), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, _) =>
        {
            var key = $"call-{i}";
            ids[key] = (await host.CreateWithEchoHandleAsync(key, "websocket")).JanusId;
            using var destroyed = await host.Http.DeleteAsync($"v1/sessions/{key}");
            Assert.True(destroyed.IsSuccessStatusCode, $"DELETE {key} answered {(int)destroyed.StatusCode}");
        });
        return new Dictionary<string, long>(ids);
    }

    private static Task WaitForTotalAsync(HostProcess host, int total, string waitingFor) =>
        Eventually.ReturnsAsync(async () =>
        {
            using var response = await host.Http.GetAsync("v1/session-counts");
            return (await host.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("total").GetInt32();
        }, count => count == total, Patience, waitingFor);

    private static async Task<IReadOnlyList<string>> ListKeysAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/sessions?limit=1000");
        return (await host.ReadJsonAsync(response, HttpStatusCode.OK)).EnumerateArray().Select(s => s.GetProperty("key").GetString()!).ToList();
    }

    /// <summary>The session's state, or null when the host does not know it (404).</summary>
    private static async Task<string?> GetStateAsync(HostProcess host, string key)
    {
        using var response = await host.Http.GetAsync($"v1/sessions/{key}");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return (await host.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("state").GetString();
    }

    private async Task<long> CountRowsAsync(Dictionary<string, string?> settings, string persistenceIdPattern)
    {
        await using var connection = Connect(settings);
        return await connection.CountJournalRowsAsync(persistenceIdPattern);
    }
}

/// <summary>Retention on the embedded SQLite journal.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SqliteEndedSessionRetentionSpecs(ITestOutputHelper output) : EndedSessionRetentionSpecs(output)
{
    protected override Task<Dictionary<string, string?>> JournalSettingsAsync(string workingDirectory) =>
        Task.FromResult(new Dictionary<string, string?>
        {
            ["Journal:Provider"] = "sqlite",
            ["Journal:ConnectionString"] = $"Data Source={Path.Combine(workingDirectory, "journal.db")}",
        });

    protected override DbConnection Connect(Dictionary<string, string?> settings) =>
        new SqliteConnection(settings["Journal:ConnectionString"] + ";Mode=ReadOnly");
}

/// <summary>Retention on a real PostgreSQL 15 server.</summary>
[Collection(PostgresCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class PostgreSqlEndedSessionRetentionSpecs(PostgresFixture postgres, ITestOutputHelper output) : EndedSessionRetentionSpecs(output)
{
    /// <summary>Fewer than on SQLite: this collection runs its specs one after the other, and the deletes are the point here.</summary>
    protected override int Calls => 300;

    protected override async Task<Dictionary<string, string?>> JournalSettingsAsync(string workingDirectory) => new()
    {
        ["Journal:Provider"] = "postgresql",
        ["Journal:ConnectionString"] = await postgres.Server.CreateDatabaseAsync(),
    };

    protected override DbConnection Connect(Dictionary<string, string?> settings) => new NpgsqlConnection(settings["Journal:ConnectionString"]);
}
