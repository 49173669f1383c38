using System.Collections.Concurrent;
using System.Data.Common;
using Janus.Actors.Fixtures;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// Scenario "churn" (<c>--churn N</c>): does a year of calls weigh on crash recovery? A host with L live sessions
/// (<c>--sessions</c>) makes N calls of create → attach → message → destroy at a steady rate
/// (<c>--create-concurrency</c> in flight), waits until the ended ones are forgotten (<c>--retention</c>), and is
/// SIGKILLed; the time until its L sessions are active again, its RSS, and the journal's rows and size are compared, in
/// the same run, with a host on a fresh journal that only ever held the same L live sessions.
/// </summary>
public sealed class ChurnScenario(BenchmarkOptions options)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public sealed record Figures(string Journal, string Label, TimeSpan KillToAllActive, double RssMiB, long Rows, long Bytes, double Load);

    public async Task<IReadOnlyList<Figures>> RunAsync(JournalKind journal, PostgresServer? postgres)
    {
        await using var janus = new JanusServer(new JanusServerOptions { SessionTimeoutSeconds = 60, ReclaimSessionTimeoutSeconds = 60 });
        await janus.StartAsync();
        var churned = await RunHostAsync(journal, postgres, janus, options.Churn);
        var fresh = await RunHostAsync(journal, postgres, janus, 0);
        return [churned, fresh];
    }

    private async Task<Figures> RunHostAsync(JournalKind journal, PostgresServer? postgres, JanusServer janus, int calls)
    {
        var name = BenchmarkOptions.Name(journal);
        var directory = Directory.CreateTempSubdirectory("janus-churn-").FullName;
        var connectionString = journal == JournalKind.Sqlite
            ? $"Data Source={Path.Combine(directory, "journal.db")}"
            : await postgres!.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>(options.HostSettings)
        {
            ["Journal:Provider"] = name,
            ["Journal:ConnectionString"] = connectionString,
            ["Journal:EndedSessionRetention"] = options.Retention.ToString(),
            ["Janus:WebSocketUrl"] = janus.WebSocketUrl.ToString(),
        };
        await using var host = new HostProcess(settings, directory);
        try
        {
            await host.StartAsync();
            var live = await CreateLiveAsync(host);
            var label = calls == 0 ? $"fresh journal, {live.Count} live" : $"after {calls:N0} calls, {live.Count} live";
            if (calls > 0)
            {
                var clock = Stopwatch.StartNew();
                await MakeCallsAsync(host, calls);
                Progress.Log($"{name}: {calls:N0} calls of create → attach → message → destroy in {clock.Elapsed.TotalSeconds:0.0} s " +
                             $"({calls / clock.Elapsed.TotalSeconds:0}/s, {options.CreateConcurrency} in flight)");
                await WaitForTotalAsync(host, live.Count);
                Progress.Log($"{name}: the ended sessions forgotten {clock.Elapsed.TotalSeconds:0.0} s after the first call");
            }
            var (rows, bytes) = await MeasureJournalAsync(journal, connectionString);

            var load = MachineReadings.Load();
            var killed = Stopwatch.GetTimestamp();
            await host.KillAsync();
            await host.StartAsync(Patience);
            await WaitForActiveAsync(host, live.Count);
            var killToAllActive = Stopwatch.GetElapsedTime(killed);
            var rss = await MachineReadings.IdleRssKiBAsync(host) / 1024;
            var figures = new Figures(name, label, killToAllActive, rss, rows, bytes, load);
            Progress.Log($"{name}, {label}: SIGKILL → all active {killToAllActive.TotalMilliseconds:0} ms, RSS {rss:0} MiB, " +
                         $"journal {rows:N0} rows, {bytes / 1024.0:N0} KiB (load {load:0.00})");
            await host.StopAsync();
            return figures;
        }
        catch (Exception e) when (e is not BenchmarkFailedException)
        {
            throw new BenchmarkFailedException($"{name}: {e.Message}. Host log tail:\n{host.LogTail()}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<IReadOnlyDictionary<string, long>> CreateLiveAsync(HostProcess host)
    {
        var live = new ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Sessions), new ParallelOptions { MaxDegreeOfParallelism = options.CreateConcurrency },
            async (i, _) =>
            {
                var key = $"live-{i:D6}";
                using var created = await host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
                live[key] = (await host.ReadJsonAsync(created, HttpStatusCode.Created)).GetProperty("janusSessionId").GetInt64();
            });
        return live;
    }

    private async Task MakeCallsAsync(HostProcess host, int calls) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, calls), new ParallelOptions { MaxDegreeOfParallelism = options.CreateConcurrency },
            async (i, _) =>
            {
                var key = $"call-{i:D7}";
                using (var created = await host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" }))
                    await host.ReadJsonAsync(created, HttpStatusCode.Created);
                using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
                var handle = (await host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
                using (var message = await host.PostJsonAsync($"v1/sessions/{key}/handles/{handle}/messages", new { body = new { audio = true } }))
                    await host.ReadJsonAsync(message, HttpStatusCode.OK);
                using var destroyed = await host.Http.DeleteAsync($"v1/sessions/{key}");
                if (!destroyed.IsSuccessStatusCode)
                    throw new BenchmarkFailedException($"DELETE {key} answered {(int)destroyed.StatusCode}");
            });

    private static async Task WaitForTotalAsync(HostProcess host, int total)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await CountsAsync(host) is var counts && counts.GetProperty("total").GetInt32() != total)
        {
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"the host still counts {counts.GetProperty("total")} sessions, not {total}, {Patience.TotalSeconds:0} s on");
            await Task.Delay(200);
        }
    }

    private async Task WaitForActiveAsync(HostProcess host, int live)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var states = (await CountsAsync(host)).GetProperty("states");
                if (states.GetProperty("lost").GetInt32() > 0)
                    throw new BenchmarkFailedException($"{states.GetProperty("lost")} live session(s) lost after the restart");
                if (states.GetProperty("active").GetInt32() == live) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
                throw new BenchmarkFailedException($"not every live session was active {Patience.TotalSeconds:0} s after the restart");
            await Task.Delay(options.PollInterval);
        }
    }

    private static async Task<JsonElement> CountsAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/session-counts");
        return await host.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The journal table's rows, and the database's size on disk (SQLite: the file and its WAL; PostgreSQL: the table with its indexes).</summary>
    private static async Task<(long Rows, long Bytes)> MeasureJournalAsync(JournalKind journal, string connectionString)
    {
        await using DbConnection connection = journal == JournalKind.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        var rows = await connection.ScalarAsync("SELECT COUNT(*) FROM journal");
        if (journal == JournalKind.PostgreSql)
            return (rows, await connection.ScalarAsync("SELECT pg_total_relation_size('journal')"));
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return (rows, new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0));
    }

    /// <summary>Each journal's churned run beside its fresh one: the ratios the issue's target (within 10 %) reads.</summary>
    public static string Format(IReadOnlyList<Figures> figures)
    {
        var lines = new List<string> { "journal     | run                                  | SIGKILL → all active | RSS MiB | journal rows | size KiB | load" };
        foreach (var f in figures)
            lines.Add($"{f.Journal,-11} | {f.Label,-36} | {f.KillToAllActive.TotalMilliseconds,17:0} ms | {f.RssMiB,7:0} | {f.Rows,12:N0} | {f.Bytes / 1024.0,8:N0} | {f.Load:0.00}");
        foreach (var pair in figures.Chunk(2).Where(p => p.Length == 2))
            lines.Add($"{pair[0].Journal}: after the calls ÷ fresh: recovery {pair[0].KillToAllActive / pair[1].KillToAllActive:0.00}×, " +
                      $"RSS {pair[0].RssMiB / pair[1].RssMiB:0.00}×, rows {pair[0].Rows}/{pair[1].Rows}");
        return string.Join('\n', lines);
    }
}
