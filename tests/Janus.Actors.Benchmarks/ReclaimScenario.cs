using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Janus.Actors.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// "Reclaim after SIGKILL" on one journal: fresh Janus servers (one, or several the sessions are placed on) and host, N
/// WebSocket sessions created through the API, then
/// per run a SIGKILL of the host, the raw baseline on the idle Janus, a restart on the same journal, and the wait until
/// every session is active again with its old Janus id. Throws <see cref="BenchmarkFailedException"/> when a session is lost,
/// changes its Janus id, or is not back in time.
/// </summary>
public sealed partial class ReclaimScenario(BenchmarkOptions options)
{
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Keep-alives every 15 s (the library's cap, below a third of both timeouts) keep every session alive. Janus's own
    /// <c>mhd_connection_limit</c> unless a server is to hold more than 1,000 REST sessions (a long poll each): then room for
    /// them, twice over (a dead host's polls beside the new ones), which the host's REST budget follows (<see cref="JanusHostSettings"/>).
    /// </summary>
    private JanusServerOptions JanusConfiguration(int servers)
    {
        var restPerServer = (RestSessions + servers - 1) / servers;
        return new JanusServerOptions
        {
            SessionTimeoutSeconds = 120,
            ReclaimSessionTimeoutSeconds = 60,
            DebugLevel = 3,
            // The host and the baseline use a handful of sockets; this keeps Janus clear of a shell's low default.
            FileDescriptorLimit = 20_000,
            MhdConnectionLimit = restPerServer > 1_000 ? 2 * restPerServer + 100 : JanusServerOptions.JanusDefaultMhdConnectionLimit,
        };
    }

    /// <summary>How many of the sessions are REST ones: every one, every other one (mixed), or none.</summary>
    private int RestSessions => options.Transport switch
    {
        BenchTransport.Rest => options.Sessions,
        BenchTransport.Mixed => (options.Sessions + 1) / 2,
        _ => 0,
    };

    /// <summary>REST connections of the raw baseline, as many as the host's request connections.</summary>
    private const int RawRestConnections = 16;

    /// <summary>REST echoes timed through the host after each recovery.</summary>
    private const int EchoSamples = 100;

    /// <param name="journal">Which journal the host runs on.</param>
    /// <param name="postgres">The PostgreSQL server for <see cref="JournalKind.PostgreSql"/> (a fresh database per call).</param>
    /// <param name="servers">How many Janus servers the sessions are spread over.</param>
    public async Task<IReadOnlyList<RunResult>> RunAsync(JournalKind journal, PostgresServer? postgres, int servers)
    {
        var janus = new JanusServers(Enumerable.Range(0, servers).Select(_ => new JanusServer(JanusConfiguration(servers))).ToList());
        await using var stopJanus = janus;
        await Task.WhenAll(janus.All.Select(server => server.StartAsync()));
        Progress.Log($"{Name(journal)}: {servers} Janus up on ws port(s) {string.Join(", ", janus.All.Select(server => server.Ports.WebSocket))}");

        // A standby shares the holder's SQLite file: by absolute path, in a folder of this run's own.
        var shared = options.Standby ? Directory.CreateTempSubdirectory("janus-bench-").FullName : null;
        var connectionString = journal == JournalKind.Sqlite
            ? $"Data Source={(shared is null ? "journal.db" : Path.Combine(shared, "journal.db"))}" // else relative to the host's working directory
            : await postgres!.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>(options.HostSettings)
        {
            ["Journal:Provider"] = Name(journal),
            ["Journal:ConnectionString"] = connectionString,
            ["Journal:Standby"] = options.Standby ? "true" : "false",
        };
        foreach (var (key, value) in JanusHostSettings.For(janus.All)) settings[key] = value;
        await using var host = new HostProcess(settings);
        await using var standby = options.Standby ? new HostProcess(settings) : null;

        try
        {
            await host.StartAsync();
            var emptyRss = await MachineReadings.IdleRssKiBAsync(host);
            var (sessions, placed, restHandles) = await CreateSessionsAsync(host);
            janus.Placed = placed;
            janus.Rest = restHandles.Keys.ToHashSet();
            var spread = placed.Values.GroupBy(server => server).ToDictionary(g => g.Key, g => g.Count());
            if (servers > 1)
                Progress.Log($"placement over {servers} servers: {string.Join(", ", spread.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
            await VerifyAsync(host, janus, sessions, "after creating them");
            var rssPerSession = (await MachineReadings.IdleRssKiBAsync(host) - emptyRss) / sessions.Count;
            Progress.Log($"host RSS: {emptyRss / 1024:0} MiB with no session, {rssPerSession:0.0} KiB more per idle session");
            var echo = await TimeRestEchoesAsync(host, restHandles);
            if (echo is { } steady)
                Progress.Log($"REST echo through the host with {sessions.Count} sessions: p50 {steady.Median.TotalMilliseconds:0.0} ms, p95 {steady.P95.TotalMilliseconds:0.0} ms");

            if (janus.WebSocketIdsOn(0, sessions).Take(options.RawInFlight).ToArray() is { Length: > 0 } warmUp)
                await RawClaimBaseline.OneSocketAsync(janus.All[0], warmUp, options.RawInFlight); // JIT
            var results = new List<RunResult>();
            var (holder, waiting) = (host, standby);
            if (waiting is not null) await StartStandbyAsync(waiting);
            for (var run = 1; run <= options.Runs; run++)
            {
                await WaitForNoDeadPollsAsync(janus);
                var load = MachineReadings.Load();
                var recovery = waiting is not null ? await KillAndTakeOverAsync(holder, waiting, janus, sessions) : await KillAndRecoverAsync(host, janus, sessions);
                if (waiting is not null)
                {
                    (holder, waiting) = (waiting, holder);
                    await StartStandbyAsync(waiting);
                }
                await VerifyAsync(holder, janus, sessions, $"after restart {run}");
                var eventsFlow = await EchoEveryRestSessionAsync(holder, restHandles, recovery.Killed);
                var result = new RunResult(journal, sessions.Count, run, recovery.RestartToHealthy, recovery.KillToAllActive,
                    recovery.RestartToAllActive, recovery.RawOneSocket, load, rssPerSession, recovery.Timeline, servers, spread)
                {
                    Transport = options.Transport,
                    JanusHttpConnectionsPeak = recovery.JanusHttpConnectionsPeak,
                    RestEcho = echo,
                    KillToRestEventsFlow = eventsFlow,
                    KillToAllResynced = recovery.KillToAllResynced,
                };
                results.Add(result);
                Progress.Log($"{Name(journal)} run {run} (load {load:0.00}): SIGKILL → all active {Ms(result.KillToAllActive)}, restart → healthy " +
                             $"{Ms(result.RestartToHealthy)}, {result.SessionsPerSecond:0} sessions/s; raw claims on the idle Janus {Ms(recovery.RawOneSocket)} " +
                             $"({result.RatioToOneSocket:0.0}×); Janus's HTTP connections at peak {recovery.JanusHttpConnectionsPeak}" +
                             (eventsFlow is { } flow ? $"; every REST session answered an echo {Ms(flow)} after the SIGKILL" : "") +
                             (recovery.KillToAllResynced is { } resynced ? $"; every handle resynced {Ms(resynced)} after the SIGKILL ({Ms(resynced - result.KillToAllActive)} after all were active)" : ""));
            }
            // Gracefully, so a host started with an EventPipe trace (--host-setting DOTNET_EnableEventPipe=1) finishes its file.
            await holder.StopAsync();
            return results;
        }
        finally
        {
            KeepLogs(journal, host, janus.All[0]);
            if (standby is not null) KeepLogs(journal, standby, janus.All[0]);
            if (shared is not null) Directory.Delete(shared, recursive: true);
        }
    }

    /// <summary>
    /// Each run starts from a steady state: a SIGKILL leaves its host's long polls in Janus for up to 30 s (CLOSE_WAIT on
    /// Janus's side), and a kill among them would find Janus holding two hosts' worth (seen: 1,000 for 500 sessions).
    /// </summary>
    private static async Task WaitForNoDeadPollsAsync(JanusServers janus)
    {
        var clock = Stopwatch.StartNew();
        while (janus.All.Any(server => TcpConnections.ServedOn(server.Ports.Http, closeWaitOnly: true) > 0))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new BenchmarkFailedException("Janus still holds long polls of a dead host 60 s after the last kill (it answers them within 30 s)");
            await Task.Delay(200);
        }
        if (clock.Elapsed > TimeSpan.FromSeconds(1))
            Progress.Log($"waited {Ms(clock.Elapsed)} for Janus to answer the dead host's long polls before the next kill");
    }

    /// <summary>
    /// Creates N sessions through the API, <see cref="BenchmarkOptions.CreateConcurrency"/> at a time, REST ones with an
    /// echotest handle each (so each holds a long poll, as a backend's do); returns their Janus ids, the server each was
    /// placed on, and the REST ones' handles.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, long> Ids, IReadOnlyDictionary<string, string> Servers, IReadOnlyDictionary<string, long> RestHandles)>
        CreateSessionsAsync(HostProcess host)
    {
        var sessions = new ConcurrentDictionary<string, long>();
        var servers = new ConcurrentDictionary<string, string>();
        var handles = new ConcurrentDictionary<string, long>();
        var keys = Enumerable.Range(1, options.Sessions).Select(i => $"bench-{i:D6}");
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys.Index(), new ParallelOptions { MaxDegreeOfParallelism = options.CreateConcurrency }, async (numbered, _) =>
        {
            var (i, key) = numbered;
            var rest = options.Transport == BenchTransport.Rest || (options.Transport == BenchTransport.Mixed && i % 2 == 0);
            using var response = await host.PostJsonAsync("v1/sessions", new { key, transport = rest ? "rest" : "websocket" });
            var session = await host.ReadJsonAsync(response, HttpStatusCode.Created);
            if (session.GetProperty("state").GetString() != "active")
                throw new BenchmarkFailedException($"{key} was created in state {session.GetProperty("state")}, not active");
            sessions[key] = session.GetProperty("janusSessionId").GetInt64();
            servers[key] = session.GetProperty("server").GetString()!;
            if (!rest && !options.Handles) return;
            using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
            var handle = (await host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
            if (rest) handles[key] = handle;
        });
        Progress.Log($"created {sessions.Count} sessions ({handles.Count} REST with a handle{(options.Handles ? ", every one with an echotest handle" : "")}) through the API in {Ms(clock.Elapsed)} " +
                     $"({sessions.Count / clock.Elapsed.TotalSeconds:0}/s)");
        return (sessions, servers, handles);
    }

    /// <summary>
    /// After a recovery, an echo on every REST session (32 at a time; one that gets no answer in time is sent again): the
    /// time from the SIGKILL until the last answered is when every session's events flow again. Janus holds the dead host's
    /// long polls for up to 30 s: a server without room for them beside the new ones delays some sessions' events that long.
    /// </summary>
    private static async Task<TimeSpan?> EchoEveryRestSessionAsync(HostProcess host, IReadOnlyDictionary<string, long> restHandles, long killed)
    {
        if (restHandles.Count == 0) return null;
        await Parallel.ForEachAsync(restHandles, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (handle, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                using var response = await host.PostJsonAsync($"v1/sessions/{handle.Key}/handles/{handle.Value}/messages", new { body = new { audio = true } });
                if (response.StatusCode == HttpStatusCode.OK) return;
                if (attempt == 10)
                    throw new BenchmarkFailedException($"the echotest of {handle.Key} got no answer 10 times after the recovery: {await response.Content.ReadAsStringAsync()}");
            }
        });
        return Stopwatch.GetElapsedTime(killed);
    }

    /// <summary>
    /// <see cref="EchoSamples"/> echotest messages through the host on REST sessions, 8 at a time: each reply is a plugin event
    /// that comes back on the session's long poll, so this is what a REST session's request costs beside all the others.
    /// </summary>
    private static async Task<EchoLatency?> TimeRestEchoesAsync(HostProcess host, IReadOnlyDictionary<string, long> restHandles)
    {
        if (restHandles.Count == 0) return null;
        var sample = restHandles.OrderBy(h => h.Key, StringComparer.Ordinal).Where((_, i) => i % Math.Max(1, restHandles.Count / EchoSamples) == 0).Take(EchoSamples).ToList();
        var times = new ConcurrentBag<TimeSpan>();
        await Parallel.ForEachAsync(sample, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (handle, _) =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await host.PostJsonAsync($"v1/sessions/{handle.Key}/handles/{handle.Value}/messages", new { body = new { audio = true } });
            var reply = await host.ReadJsonAsync(response, HttpStatusCode.OK);
            if (reply.GetProperty("plugindata").GetProperty("data").GetProperty("result").GetString() != "ok")
                throw new BenchmarkFailedException($"the echotest of {handle.Key} answered {reply}");
            times.Add(clock.Elapsed);
        });
        var sorted = times.Order().ToList();
        return new EchoLatency(sorted[sorted.Count / 2], sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)]);
    }

    /// <summary>
    /// SIGKILL; the raw claim of every session on one socket while Janus is idle (the host is dead); restart on the same
    /// journal, and poll until every session is active with its old Janus id.
    /// </summary>
    private async Task<Recovery> KillAndRecoverAsync(HostProcess host, JanusServers janus, IReadOnlyDictionary<string, long> sessions)
    {
        var killed = Stopwatch.GetTimestamp();
        await host.KillAsync();
        var killToExit = Stopwatch.GetElapsedTime(killed);
        var rawOneSocket = await RawClaimAsync(janus, sessions);
        using var peak = janus.SampleHttpPeak();

        var launchedAt = DateTime.Now;
        var launched = Stopwatch.GetTimestamp();
        var starting = host.StartAsync(options.RecoveryTimeout); // launches before its first await: BaseAddress is set
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var stop = new CancellationTokenSource(options.RecoveryTimeout);
        var healthy = WaitForHealthAsync(http, host, stop.Token);
        var active = WaitForAllActiveAsync(http, host, sessions, launched, stop.Token);
        try
        {
            await starting;
            var healthyAt = await healthy;
            var milestones = await active;
            var allActiveAt = milestones.AllActive!.Value;
            var allResyncedAt = options.Handles ? await WaitForAllResyncedAsync(http, host, sessions.Count, launched, stop.Token) : (TimeSpan?)null;

            var log = await LogSinceLaunchAsync(host, sessions.Count);
            var restartToHealthy = Stopwatch.GetElapsedTime(launched, healthyAt);
            return new Recovery(
                restartToHealthy,
                KillToAllActive: killToExit + allActiveAt,
                RestartToAllActive: allActiveAt,
                rawOneSocket,
                RecoveryTimeline.Parse(log, launchedAt, milestones with { Healthy = restartToHealthy }),
                peak.Max,
                killed)
            {
                KillToAllResynced = killToExit + allResyncedAt,
            };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new BenchmarkFailedException(
                $"not every session was active {options.RecoveryTimeout.TotalSeconds:0} s after the restart. Host log tail:\n{host.LogTail()}");
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>Starts a host that finds the journal held: alive, waiting, claiming nothing.</summary>
    private static async Task StartStandbyAsync(HostProcess standby)
    {
        await standby.StartAsync();
        while (!SinceLastStart(standby).Contains("Standby: the", StringComparison.Ordinal))
            await Task.Delay(50);
    }

    /// <summary>What the host printed since its last launch.</summary>
    private static string SinceLastStart(HostProcess host)
    {
        var log = host.Log();
        return log[Math.Max(0, log.LastIndexOf("---- start #", StringComparison.Ordinal))..];
    }

    /// <summary>
    /// The raw claim of every session on one socket, then a SIGKILL of the holder and the poll until the waiting standby
    /// has every session active with its old Janus id. Times are from the SIGKILL: nothing has to start.
    /// </summary>
    private async Task<Recovery> KillAndTakeOverAsync(HostProcess holder, HostProcess standby, JanusServers janus, IReadOnlyDictionary<string, long> sessions)
    {
        var rawOneSocket = await RawClaimAsync(janus, sessions);
        using var peak = janus.SampleHttpPeak();
        var logBefore = standby.Log().Length;
        var killedAt = DateTime.Now;
        var killed = Stopwatch.GetTimestamp();
        await holder.KillAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var stop = new CancellationTokenSource(options.RecoveryTimeout);
        try
        {
            var milestones = await WaitForAllActiveAsync(http, standby, sessions, killed, stop.Token);
            var allActive = milestones.AllActive!.Value;
            await LogSinceLaunchAsync(standby, sessions.Count); // every reclaim line has arrived
            var log = standby.Log()[logBefore..];
            return new Recovery(TimeSpan.Zero, allActive, allActive, rawOneSocket, RecoveryTimeline.Parse(log, killedAt, milestones), peak.Max, killed);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new BenchmarkFailedException(
                $"not every session was active on the standby {options.RecoveryTimeout.TotalSeconds:0} s after the holder's SIGKILL. Standby log tail:\n{standby.LogTail()}");
        }
    }

    /// <summary>
    /// The raw ceiling, all servers at once: per server one socket claiming its WebSocket sessions, and
    /// <see cref="RawRestConnections"/> HTTP connections claiming its REST ones.
    /// </summary>
    private async Task<TimeSpan> RawClaimAsync(JanusServers janus, IReadOnlyDictionary<string, long> sessions)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(janus.All.SelectMany((server, i) => new[]
        {
            janus.WebSocketIdsOn(i, sessions).ToArray() is { Length: > 0 } ws ? RawClaimBaseline.OneSocketAsync(server, ws, options.RawInFlight) : Task.FromResult(TimeSpan.Zero),
            janus.RestIdsOn(i, sessions).ToArray() is { Length: > 0 } rest ? RawClaimBaseline.RestAsync(server, rest, RawRestConnections) : Task.FromResult(TimeSpan.Zero),
        }));
        return clock.Elapsed;
    }

    /// <summary>Polls <c>/healthz</c> until it answers 200; returns the Stopwatch timestamp of that answer.</summary>
    private static async Task<long> WaitForHealthAsync(HttpClient http, HostProcess host, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(host.BaseAddress, "healthz"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    return Stopwatch.GetTimestamp();
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(HealthPollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Polls <c>GET /v1/session-counts</c> (a few bytes, however many sessions) every <see cref="BenchmarkOptions.PollInterval"/>
    /// until every session is active; the ids are checked once, by <see cref="VerifyAsync"/>. Fails at once when a session
    /// is lost or destroyed.
    /// </summary>
    private async Task<PolledMilestones> WaitForAllActiveAsync(HttpClient http, HostProcess host, IReadOnlyDictionary<string, long> expected,
        long launched, CancellationToken cancellationToken)
    {
        TimeSpan? first = null, half = null;
        while (true)
        {
            JsonElement? states = null;
            try
            {
                using var response = await http.GetAsync(new Uri(host.BaseAddress, "v1/session-counts"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    states = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken)).RootElement.GetProperty("states").Clone();
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (states is { } counts)
            {
                var seenAt = Stopwatch.GetElapsedTime(launched);
                var ended = counts.GetProperty("lost").GetInt32() + counts.GetProperty("destroyed").GetInt32();
                if (ended > 0)
                    throw new BenchmarkFailedException($"{ended} session(s) lost or destroyed after the restart. Host log tail:\n{host.LogTail()}");
                var active = counts.GetProperty("active").GetInt32();
                if (active > 0) first ??= seenAt;
                if (active * 2 >= expected.Count) half ??= seenAt;
                if (active == expected.Count) return new PolledMilestones(null, first, half, seenAt);
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>Counts sessions that are active with their expected Janus id; throws for a lost, destroyed or changed one.</summary>
    private static int CountActive(IReadOnlyList<SessionView> listed, IReadOnlyDictionary<string, long> expected, HostProcess host)
    {
        var active = 0;
        foreach (var session in listed)
        {
            if (!expected.TryGetValue(session.Key, out var janusId))
                throw new BenchmarkFailedException($"the host lists a session the benchmark never created: {session}");
            if (session.State is "lost" or "destroyed")
                throw new BenchmarkFailedException($"session {session.Key} is {session.State} after the restart: {session.LastError}. Host log tail:\n{host.LogTail()}");
            if (session.JanusSessionId is { } id && id != janusId)
                throw new BenchmarkFailedException($"session {session.Key} changed its Janus id from {janusId} to {id} after the restart");
            if (session.State == "active") active++;
        }
        return active;
    }

    /// <summary>
    /// The host lists exactly the created sessions, all active with their Janus ids (and, after a restart, reclaimed
    /// once); Janus holds exactly those sessions.
    /// </summary>
    private static async Task VerifyAsync(HostProcess host, JanusServers janus, IReadOnlyDictionary<string, long> expected, string when)
    {
        using var response = await host.Http.GetAsync("v1/sessions");
        var listed = SessionView.ParseList(await response.Content.ReadAsByteArrayAsync());
        var active = CountActive(listed, expected, host);
        if (listed.Count != expected.Count || active != expected.Count)
            throw new BenchmarkFailedException($"{when}: the host lists {listed.Count} sessions, {active} active; expected {expected.Count} active");
        if (when.StartsWith("after restart", StringComparison.Ordinal) && listed.FirstOrDefault(s => s.Reclaims < 1) is { } unclaimed)
            throw new BenchmarkFailedException($"{when}: {unclaimed.Key} is active but was never reclaimed: {unclaimed}");

        foreach (var (i, server) in janus.All.Index())
        {
            using var admin = server.CreateAdminClient();
            var inJanus = (await admin.ListSessionsAsync()).ToHashSet();
            var own = janus.IdsOn(i, expected).ToList();
            if (own.FirstOrDefault(id => !inJanus.Contains(id)) is var missing and not 0)
                throw new BenchmarkFailedException($"{when}: Janus server {i} no longer holds session {missing} (of {own.Count} placed there)");
            if (inJanus.Count != own.Count)
                throw new BenchmarkFailedException($"{when}: Janus server {i} holds {inJanus.Count} sessions, expected exactly {own.Count}");
        }
    }

    /// <summary>The scenario's Janus servers, and where placement put each session.</summary>
    private sealed class JanusServers(IReadOnlyList<JanusServer> all) : IAsyncDisposable
    {
        public IReadOnlyList<JanusServer> All { get; } = all;

        /// <summary>Session key → the server it was placed on (its configured name).</summary>
        public IReadOnlyDictionary<string, string> Placed { get; set; } = new Dictionary<string, string>();

        /// <summary>The keys of the REST sessions.</summary>
        public IReadOnlySet<string> Rest { get; set; } = new HashSet<string>();

        /// <summary>The Janus ids of the sessions on the <paramref name="index"/>th server.</summary>
        public IEnumerable<long> IdsOn(int index, IReadOnlyDictionary<string, long> sessions) => On(index, sessions).Select(s => s.Value);

        public IEnumerable<long> WebSocketIdsOn(int index, IReadOnlyDictionary<string, long> sessions) =>
            On(index, sessions).Where(s => !Rest.Contains(s.Key)).Select(s => s.Value);

        public IEnumerable<long> RestIdsOn(int index, IReadOnlyDictionary<string, long> sessions) =>
            On(index, sessions).Where(s => Rest.Contains(s.Key)).Select(s => s.Value);

        /// <summary>The most HTTP connections any one server held while it ran (its side, from the kernel).</summary>
        public HttpPeak SampleHttpPeak() => new(All.Select(server => TcpConnections.SamplePeak(server.Ports.Http)).ToList());

        private IEnumerable<KeyValuePair<string, long>> On(int index, IReadOnlyDictionary<string, long> sessions) => All.Count == 1
            ? sessions
            : sessions.Where(s => Placed[s.Key] == JanusHostSettings.ServerName(index));

        public async ValueTask DisposeAsync()
        {
            foreach (var server in All) await server.DisposeAsync();
        }
    }

    /// <summary>The host's output since its last launch, once every reclaim line has arrived (stdout is read asynchronously).</summary>
    private static async Task<string> LogSinceLaunchAsync(HostProcess host, int sessions)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var sinceLaunch = SinceLastStart(host);
            var reclaims = sinceLaunch.Split('\n').Count(line => line.Contains("Reclaimed Janus session for", StringComparison.Ordinal));
            if (reclaims >= sessions || deadline.Elapsed > LogDrainTimeout)
                return sinceLaunch;
            await Task.Delay(50);
        }
    }

    private void KeepLogs(JournalKind journal, HostProcess host, JanusServer janus)
    {
        if (options.LogsDirectory is not { } directory)
            return;
        Directory.CreateDirectory(directory);
        var stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss");
        File.WriteAllText(Path.Combine(directory, $"host-{Name(journal)}-{options.Sessions}-{stamp}.log"), host.Log());
        if (File.Exists(janus.LogPath))
            File.Copy(janus.LogPath, Path.Combine(directory, $"janus-{Name(journal)}-{options.Sessions}-{stamp}.log"), overwrite: true);
        Progress.Log($"logs kept in {directory}");
    }

    private static string Name(JournalKind journal) => BenchmarkOptions.Name(journal);

    private static string Ms(TimeSpan duration) => $"{duration.TotalMilliseconds:0} ms";

    /// <summary>One recovery's figures, and the <see cref="Stopwatch"/> timestamp of its SIGKILL (<c>Killed</c>).</summary>
    private sealed record Recovery(TimeSpan RestartToHealthy, TimeSpan KillToAllActive, TimeSpan RestartToAllActive, TimeSpan RawOneSocket,
        RecoveryTimeline Timeline, int JanusHttpConnectionsPeak, long Killed)
    {
        public TimeSpan? KillToAllResynced { get; init; }
    }

    /// <summary>
    /// Polls the host's <c>/metrics</c> until its <c>janus_actors_handle_resyncs_total</c> (every outcome) counts a handle
    /// for every session — each session told its <c>SessionReclaimed</c> — and returns the time since the launch. Fails the
    /// run when any handle was not resynced.
    /// </summary>
    private async Task<TimeSpan> WaitForAllResyncedAsync(HttpClient http, HostProcess host, int handles, long launched, CancellationToken cancellationToken)
    {
        while (true)
        {
            var metrics = await http.GetStringAsync(new Uri(host.Http.BaseAddress!, "metrics"), cancellationToken);
            var outcomes = ResyncOutcome().Matches(metrics).ToDictionary(m => m.Groups[1].Value, m => (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            if (outcomes.Values.Sum() >= handles)
            {
                var at = Stopwatch.GetElapsedTime(launched);
                if (outcomes.GetValueOrDefault("resynced") < handles)
                    throw new BenchmarkFailedException($"not every handle was resynced: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
                return at;
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    [GeneratedRegex("""^janus_actors_handle_resyncs_total\{[^}]*outcome="([a-z_]+)"[^}]*\} ([0-9.e+]+)""", RegexOptions.Multiline)]
    private static partial Regex ResyncOutcome();

    /// <summary>The peak samplers of every server's HTTP port.</summary>
    private sealed class HttpPeak(IReadOnlyList<TcpConnections.PeakSampler> samplers) : IDisposable
    {
        public int Max => samplers.Max(sampler => sampler.Max);

        public void Dispose()
        {
            foreach (var sampler in samplers) sampler.Dispose();
        }
    }

    /// <summary>One element of <c>GET /v1/sessions</c>, as much of it as the benchmark checks.</summary>
    private sealed record SessionView(string Key, long? JanusSessionId, string State, int Reclaims, string? LastError)
    {
        public static IReadOnlyList<SessionView> ParseList(byte[] json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.EnumerateArray().Select(session => new SessionView(
                session.GetProperty("key").GetString()!,
                session.GetProperty("janusSessionId") is { ValueKind: JsonValueKind.Number } id ? id.GetInt64() : null,
                session.GetProperty("state").GetString()!,
                session.GetProperty("reclaims").GetInt32(),
                session.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } error ? error.GetRawText() : null)).ToList();
        }
    }
}

/// <summary>The library did not do its job: a session was lost, changed its Janus id, or did not come back in time.</summary>
public sealed class BenchmarkFailedException(string message) : Exception(message);
