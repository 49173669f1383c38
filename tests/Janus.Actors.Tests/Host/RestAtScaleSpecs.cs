using System.Collections.Concurrent;
using Janus.Actors.Servers;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// REST sessions by the hundred and the thousand on one Janus, through the host's API only, as a backend runs them: each
/// with an echotest handle, so each holds a long poll — one of the at most <c>mhd_connection_limit</c> HTTP connections
/// Janus serves (1,020 by default). They hold steady up to the budget, the next is refused saying why, and they survive a
/// SIGKILL, a hot standby's take-over and a freeze without one being lost while Janus holds it. Janus's side of the
/// connections is read from the kernel (<see cref="TcpConnections"/>), dead processes' polls included.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class RestAtScaleSpecs(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const int Sampled = 20;

    [Fact]
    public async Task A_thousand_REST_sessions_hold_steady_on_Janus_defaults_and_the_next_one_is_refused_saying_why()
    {
        const int sessionTimeout = 10;
        await using var janus = await StartJanusAsync(new JanusServerOptions { SessionTimeoutSeconds = sessionTimeout });
        await using var host = await StartHostAsync(janus);
        using var peak = TcpConnections.SamplePeak(janus.Ports.Http, host.ProcessId);

        var sessions = await CreateAsync(host, 1_000, "call");
        using (var refused = await host.PostJsonAsync("v1/sessions", """{"key":"one-too-many","transport":"rest"}"""))
        {
            var detail = (await host.ReadJsonAsync(refused, HttpStatusCode.ServiceUnavailable)).GetProperty("detail").GetString();
            output.WriteLine(detail);
            Assert.Contains("Janus server 'default' is at its REST connection budget: 1000 REST sessions of 1000 (RestConnectionLimit 1016", detail);
        }

        // Twice Janus's session_timeout: only keep-alives with the right ids, and working long polls, keep them all.
        await HoldsSteadyAsync(host, janus, sessions, TimeSpan.FromSeconds(2 * sessionTimeout + 4));
        await EchoOnASampleAsync(host, sessions);
        output.WriteLine($"HTTP connections at peak: the host held {peak.ClientMax} (its budget {JanusServerSettings.DefaultRestConnectionLimit}), " +
                         $"Janus {peak.Max} ({peak.AtMax}; it serves {JanusServerOptions.JanusDefaultMhdConnectionLimit})");
        // A long poll each, and no more than the budget — give or take the one connection being replaced: .NET's pool frees
        // a closing connection's place before its socket is closed, so a sample can catch the new one beside it (seen once
        // in ~10 runs: 1,017). What Janus must never see is more than it serves.
        Assert.InRange(peak.ClientMax, sessions.Count, JanusServerSettings.DefaultRestConnectionLimit + 1);
        Assert.InRange(peak.Max, sessions.Count, JanusServerOptions.JanusDefaultMhdConnectionLimit);
    }

    [Fact]
    public async Task Five_hundred_REST_sessions_come_back_after_a_SIGKILL_and_after_a_freeze_past_the_reclaim_window()
    {
        await using var janus = await StartJanusAsync(new JanusServerOptions { SessionTimeoutSeconds = 60, ReclaimSessionTimeoutSeconds = 20 });
        await using var host = await StartHostAsync(janus);
        var sessions = await CreateAsync(host, 500, "call");

        await host.KillAsync();
        var killed = Stopwatch.StartNew();
        output.WriteLine($"Janus holds {TcpConnections.ServedOn(janus.Ports.Http, closeWaitOnly: true)} long polls of the dead host");
        await host.StartAsync();
        using (var peak = TcpConnections.SamplePeak(janus.Ports.Http, host.ProcessId))
        {
            await AllActiveAsync(host, sessions);
            output.WriteLine($"SIGKILL → all {sessions.Count} REST sessions active: {killed.ElapsedMilliseconds} ms");
            await EchoOnASampleAsync(host, sessions); // their long polls run: each plugin event arrives
            output.WriteLine($"HTTP connections at peak: the host held {peak.ClientMax}, Janus {peak.Max} ({peak.AtMax})");
            Assert.InRange(peak.ClientMax, 0, JanusServerSettings.DefaultRestConnectionLimit);
        }

        // Frozen for twice Janus's reclaim window (a VM pause): every timer late, every long poll answered meanwhile.
        host.Freeze();
        // The length of the freeze is the scenario, not a wait for anything: thawed from a thread of its own, so a busy
        // test runner cannot make it longer.
        await Task.Factory.StartNew(() =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(40));
            host.Thaw();
        }, TaskCreationOptions.LongRunning);

        await AllActiveAsync(host, sessions);
        await EchoOnASampleAsync(host, sessions);
        await HoldsSteadyAsync(host, janus, sessions, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Two_thousand_REST_sessions_on_a_Janus_that_serves_more_connections_come_back_after_a_SIGKILL()
    {
        await using var janus = await StartJanusAsync(new JanusServerOptions { SessionTimeoutSeconds = 30, MhdConnectionLimit = 4_500 });
        await using var host = await StartHostAsync(janus, new() { ["Janus:RestConnectionLimit"] = "4496" });
        var sessions = await CreateAsync(host, 2_000, "call");

        await host.KillAsync();
        var killed = Stopwatch.StartNew();
        await host.StartAsync();

        await AllActiveAsync(host, sessions);
        output.WriteLine($"SIGKILL → all {sessions.Count} REST sessions active: {killed.ElapsedMilliseconds} ms");
        await EchoOnASampleAsync(host, sessions);
        await HoldsSteadyAsync(host, janus, sessions, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_hot_standby_takes_five_hundred_REST_and_five_hundred_WebSocket_sessions_over_from_a_killed_holder()
    {
        await using var janus = await StartJanusAsync(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 30 });
        var journal = Path.Combine(Directory.CreateTempSubdirectory("rest-standby-").FullName, "journal.db");
        var settings = new Dictionary<string, string?>
        {
            ["Janus:RestUrl"] = janus.RestUrl.ToString(),
            ["Janus:WebSocketUrl"] = janus.WebSocketUrl.ToString(),
            ["Journal:ConnectionString"] = $"Data Source={journal}",
        };
        await using var holder = new HostProcess(settings);
        await holder.StartAsync();
        var sessions = new Dictionary<string, (long JanusId, long Handle)>(await CreateAsync(holder, 500, "rest"));
        foreach (var (key, created) in await CreateAsync(holder, 500, "ws", "websocket")) sessions[key] = created;
        await using var standby = new HostProcess(new Dictionary<string, string?>(settings) { ["Journal:Standby"] = "true" });
        await standby.StartAsync();
        await standby.WaitForLogAsync("Standby: the");

        await holder.KillAsync();
        var killed = Stopwatch.StartNew();

        await AllActiveAsync(standby, sessions);
        output.WriteLine($"holder SIGKILL → all {sessions.Count} sessions active on the standby: {killed.ElapsedMilliseconds} ms");
        await EchoOnASampleAsync(standby, sessions.Where(s => s.Key.StartsWith("rest", StringComparison.Ordinal)).ToDictionary());
        await HoldsSteadyAsync(standby, janus, sessions, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Five_thousand_REST_calls_in_a_row_leave_no_error_behind_and_the_live_sessions_beside_them_carry_on()
    {
        await using var janus = await StartJanusAsync(new JanusServerOptions { SessionTimeoutSeconds = 30 });
        await using var host = await StartHostAsync(janus);
        var live = await CreateAsync(host, 200, "live");
        using var peak = TcpConnections.SamplePeak(janus.Ports.Http);

        var calls = Stopwatch.StartNew();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 5_000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var key = $"churn-{i:D4}";
            try
            {
                var (_, handle) = await host.CreateWithEchoHandleAsync(key, "rest");
                await host.AssertEchoAsync(key, handle);
                using var destroyed = await host.Http.DeleteAsync($"v1/sessions/{key}");
                if (destroyed.StatusCode != HttpStatusCode.NoContent)
                    throw new InvalidOperationException($"DELETE answered {(int)destroyed.StatusCode}: {await destroyed.Content.ReadAsStringAsync()}");
            }
            catch (Exception e)
            {
                failures.Add($"{key}: {e.Message}");
            }
        });
        // Janus's side: a destroyed session's unanswered long poll would stay there (CLOSE_WAIT) for 30 s, and pile up.
        output.WriteLine($"5,000 REST calls (create, attach, message, destroy) in {calls.Elapsed.TotalSeconds:F1} s; Janus's HTTP connections at peak {peak.Max} ({peak.AtMax})");

        Assert.True(failures.IsEmpty, $"{failures.Count} calls failed, e.g.\n{string.Join("\n", failures.Take(5))}\nHost log:\n{host.LogTail()}");
        await HoldsSteadyAsync(host, janus, live, TimeSpan.FromSeconds(3));
        await EchoOnASampleAsync(host, live);
        Assert.InRange(peak.Max, 0, JanusServerOptions.JanusDefaultMhdConnectionLimit);
    }

    private static async Task<JanusServer> StartJanusAsync(JanusServerOptions options)
    {
        var janus = new JanusServer(options with { FileDescriptorLimit = 20_000, DebugLevel = 3 });
        await janus.StartAsync();
        return janus;
    }

    private static async Task<HostProcess> StartHostAsync(JanusServer janus, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Janus:RestUrl"] = janus.RestUrl.ToString() };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        var host = new HostProcess(settings);
        await host.StartAsync();
        return host;
    }

    /// <summary>Sessions created through the API, each with an echotest handle; 32 calls in flight.</summary>
    private static async Task<IReadOnlyDictionary<string, (long JanusId, long Handle)>> CreateAsync(HostProcess host, int count, string prefix,
        string transport = "rest")
    {
        var created = new ConcurrentDictionary<string, (long, long)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var key = $"{prefix}-{i:D4}";
            created[key] = await host.CreateWithEchoHandleAsync(key, transport);
        });
        return created;
    }

    /// <summary>Every session active with the Janus id it was created with; fails at once when one is lost.</summary>
    private static async Task AllActiveAsync(HostProcess host, IReadOnlyDictionary<string, (long JanusId, long Handle)> sessions)
    {
        var listed = await Eventually.ReturnsAsync(() => ListAsync(host),
            all => all.Count(s => s.State == "active") == sessions.Count || all.Any(s => s.State == "lost"), Patience, "every session active");
        Assert.DoesNotContain(listed, s => s.State == "lost");
        Assert.Equal(sessions.Count, listed.Count);
        Assert.All(listed, s => Assert.Equal(sessions[s.Key].JanusId, s.JanusSessionId));
    }

    /// <summary>For <paramref name="period"/>, every session active in the host and alive in Janus.</summary>
    private async Task HoldsSteadyAsync(HostProcess host, JanusServer janus, IReadOnlyDictionary<string, (long JanusId, long Handle)> sessions,
        TimeSpan period)
    {
        using var admin = janus.CreateAdminClient();
        var until = DateTime.UtcNow + period;
        do
        {
            var alive = (await admin.ListSessionsAsync()).ToHashSet();
            var missing = sessions.Where(s => !alive.Contains(s.Value.JanusId)).Select(s => s.Key).ToList();
            Assert.True(missing.Count == 0, $"Janus dropped {missing.Count} sessions, e.g. {string.Join(", ", missing.Take(5))}. Host log:\n{host.LogTail()}");
            var notActive = (await ListAsync(host)).Where(s => sessions.ContainsKey(s.Key) && s.State != "active").ToList();
            Assert.True(notActive.Count == 0, $"{notActive.Count} sessions not active, e.g. {string.Join(", ", notActive.Take(5))}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        } while (DateTime.UtcNow < until);
        output.WriteLine($"{sessions.Count} sessions active and alive in Janus for {period.TotalSeconds:0} s");
    }

    /// <summary>The echotest of a sample answers: its reply is a plugin event, which comes back on the session's long poll.</summary>
    private static async Task EchoOnASampleAsync(HostProcess host, IReadOnlyDictionary<string, (long JanusId, long Handle)> sessions)
    {
        foreach (var (key, (_, handle)) in sessions.OrderBy(s => s.Key, StringComparer.Ordinal).Where((_, i) => i % Math.Max(1, sessions.Count / Sampled) == 0))
            await host.AssertEchoAsync(key, handle);
    }

    private sealed record Listed(string Key, long? JanusSessionId, string State);

    private static async Task<IReadOnlyList<Listed>> ListAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/sessions");
        return (await host.ReadJsonAsync(response, HttpStatusCode.OK)).EnumerateArray().Select(s => new Listed(
            s.GetProperty("key").GetString()!,
            s.GetProperty("janusSessionId").ValueKind == JsonValueKind.Number ? s.GetProperty("janusSessionId").GetInt64() : null,
            s.GetProperty("state").GetString()!)).ToList();
    }
}
