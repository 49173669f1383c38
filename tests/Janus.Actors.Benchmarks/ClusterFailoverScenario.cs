using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Janus.Actors.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// "Cluster failover": per run a fresh Janus, database and cluster of <see cref="BenchmarkOptions.Nodes"/> hosts;
/// WebSocket sessions created through every node until the last node (not a seed) hosts exactly N; the raw one-socket
/// claim of those N as the baseline; then a SIGKILL of that node and polls of the survivors until they see it
/// unreachable, have removed it, and show every one of its sessions active on a survivor with its Janus id. Throws
/// <see cref="BenchmarkFailedException"/> when a session is lost, changes its Janus id, or is not back in time.
/// </summary>
public sealed class ClusterFailoverScenario(BenchmarkOptions options)
{
    /// <summary>
    /// Keep-alives every min(15 s, R/3): with R = 60 a failover has ~45 s before Janus drops a session, with R = 30
    /// (deploy/janus) ~20 s, as Janus 1.1.2 counts the reclaim window from the last request.
    /// </summary>
    private JanusServerOptions JanusConfiguration() => new()
    {
        SessionTimeoutSeconds = 60,
        ReclaimSessionTimeoutSeconds = options.ReclaimTimeoutSeconds,
        DebugLevel = 3,
        FileDescriptorLimit = 20_000,
    };

    public async Task<IReadOnlyList<FailoverResult>> RunAsync(PostgresServer postgres)
    {
        var results = new List<FailoverResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            // Serilog at Warning would hide "Reclaimed" lines nobody reads here; the hosts log at their default.
            await using var cluster = await ClusterOfHosts.StartAsync(options.Nodes, JanusConfiguration(), postgres, Progress.Log,
                options.HostSettings, akkaHocon: null);
            try
            {
                var victim = cluster.Nodes[^1];
                var survivors = cluster.Nodes.Take(cluster.Nodes.Count - 1).ToList();
                var all = await CreateUntilHostedAsync(cluster, victim);
                var orphans = all.Where(s => s.Value.Node == victim.Address).ToDictionary(s => s.Key, s => s.Value.JanusSessionId);
                await VerifyAsync(cluster, all, "after creating them");

                var ids = orphans.Values.ToArray();
                await RawClaimBaseline.OneSocketAsync(cluster.Janus, ids.Take(Math.Min(ids.Length, options.RawInFlight)).ToArray(), options.RawInFlight);
                var raw = await RawClaimBaseline.OneSocketAsync(cluster.Janus, ids, options.RawInFlight);
                // The raw claim was a request to every session: Janus 1.1.2 counts the reclaim window from the last one.
                // One keep-alive period later the sessions' last requests are spread over a period again, as when a
                // node dies at any moment, and the oldest is a whole period old: the failover's real worst case.
                var keepAlivePeriod = TimeSpan.FromSeconds(Math.Min(15, Math.Min(JanusConfiguration().SessionTimeoutSeconds, options.ReclaimTimeoutSeconds) / 3.0));
                Progress.Log($"waiting one keep-alive period ({keepAlivePeriod.TotalSeconds:0} s) so the sessions' last requests are spread as at any moment");
                await Task.Delay(keepAlivePeriod);

                var result = await KillAndFailOverAsync(cluster, victim, survivors, orphans, all.Count, run, raw);
                await VerifyAsync(cluster, all, $"after failover {run}");
                results.Add(result);
                Progress.Log($"cluster run {run}: {result}");
            }
            finally
            {
                KeepLogs(cluster, run);
            }
        }
        return results;
    }

    /// <summary>
    /// Creates WebSocket sessions through every node, <see cref="BenchmarkOptions.CreateConcurrency"/> at a time, until
    /// <paramref name="victim"/> hosts at least N; destroys the ones beyond N on it, so it hosts exactly N.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, CreatedOn>> CreateUntilHostedAsync(ClusterOfHosts cluster, ClusterNode victim)
    {
        var sessions = new ConcurrentDictionary<string, CreatedOn>();
        var onVictim = 0;
        var next = 0;
        var clock = Stopwatch.StartNew();
        var batch = options.CreateConcurrency * 4;
        while (Volatile.Read(ref onVictim) < options.Sessions)
        {
            var numbers = Enumerable.Range(next + 1, batch).ToList();
            next += batch;
            await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = options.CreateConcurrency }, async (number, _) =>
            {
                var key = $"bench-{number:D6}";
                var through = cluster.Nodes[number % cluster.Nodes.Count];
                using var response = await through.Host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
                var session = SessionView.Parse(await through.Host.ReadJsonAsync(response, HttpStatusCode.Created));
                if (session.State != "active" || session.JanusSessionId is not { } id)
                    throw new BenchmarkFailedException($"{key} was created as {session}, not active");
                var node = session.Node ?? throw new BenchmarkFailedException($"the create reply of {key} names no node: {session}");
                sessions[key] = new CreatedOn(id, node);
                if (node == victim.Address)
                    Interlocked.Increment(ref onVictim);
            });
        }
        foreach (var extra in sessions.Where(s => s.Value.Node == victim.Address).OrderByDescending(s => s.Key).Take(onVictim - options.Sessions).ToList())
        {
            using var response = await victim.Host.Http.DeleteAsync($"v1/sessions/{extra.Key}");
            await victim.Host.ReadJsonAsync(response, HttpStatusCode.NoContent);
            sessions.TryRemove(extra.Key, out _);
        }
        Progress.Log($"created {sessions.Count} sessions through {cluster.Nodes.Count} nodes in {clock.ElapsedMilliseconds} ms; " +
                     string.Join(", ", sessions.GroupBy(s => s.Value.Node).OrderBy(g => g.Key).Select(g => $"{g.Key} hosts {g.Count()}")) +
                     $"; killing {victim.Address}");
        return sessions;
    }

    private async Task<FailoverResult> KillAndFailOverAsync(ClusterOfHosts cluster, ClusterNode victim, IReadOnlyList<ClusterNode> survivors,
        IReadOnlyDictionary<string, long> orphans, int total, int run, TimeSpan raw)
    {
        var killedAt = Stopwatch.GetTimestamp();
        await cluster.KillAsync(victim);
        using var stop = new CancellationTokenSource(options.RecoveryTimeout);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var downing = FailoverWatch.WatchAsync(victim, survivors, killedAt, TimeSpan.FromMilliseconds(50), stopWatching.Token);
        try
        {
            var (first, half, all) = await WaitForOrphansAsync(survivors, victim, orphans, killedAt, stop.Token);
            await stopWatching.CancelAsync(); // a survivor never seen to remove it must not hold the result
            var times = await downing;
            return new FailoverResult(orphans.Count, total, run, times.Unreachable, times.Downed, times.Removed, first, half, all, raw,
                ReclaimLines(survivors, orphans.Keys));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw new BenchmarkFailedException(
                $"not every session of {victim.Address} was active on a survivor {options.RecoveryTimeout.TotalSeconds:0} s after its SIGKILL; " +
                $"{await downing}.\n{cluster.LogTails()}");
        }
    }

    /// <summary>Polls <c>GET /v1/sessions</c> on the survivors in turn until every orphan is active on a survivor with its Janus id.</summary>
    private async Task<(TimeSpan First, TimeSpan Half, TimeSpan All)> WaitForOrphansAsync(IReadOnlyList<ClusterNode> survivors, ClusterNode victim,
        IReadOnlyDictionary<string, long> orphans, long killedAt, CancellationToken cancellationToken)
    {
        TimeSpan? first = null, half = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var poll = 0; ; poll++)
        {
            var survivor = survivors[poll % survivors.Count];
            IReadOnlyList<SessionView>? listed = null;
            try
            {
                using var response = await http.GetAsync(new Uri(survivor.Host.BaseAddress, "v1/sessions"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                    listed = SessionView.ParseList(JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken)).RootElement);
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // a survivor busy taking over: ask the next one
            }
            if (listed is not null)
            {
                var seenAt = Stopwatch.GetElapsedTime(killedAt);
                var active = 0;
                foreach (var session in listed)
                {
                    if (!orphans.TryGetValue(session.Key, out var janusId))
                        continue;
                    if (session.State is "lost" or "destroyed")
                        throw new BenchmarkFailedException($"{session} after the failover");
                    if (session.JanusSessionId is { } id && id != janusId)
                        throw new BenchmarkFailedException($"{session.Key} changed its Janus id from {janusId} to {id} in the failover");
                    if (session.State == "active" && session.Node != victim.Address)
                        active++;
                }
                if (active > 0) first ??= seenAt;
                if (active * 2 >= orphans.Count) half ??= seenAt;
                if (active == orphans.Count) return (first!.Value, half!.Value, seenAt);
                // A lost session ends, passivates and leaves the list: the survivors' logs say which.
                if (poll % 20 == 19 && LostLines(survivors, orphans.Keys) is { Count: > 0 } lost && active + lost.Count >= orphans.Count)
                    throw new BenchmarkFailedException(
                        $"{lost.Count} of {orphans.Count} sessions lost in the failover ({active} active on survivors {seenAt.TotalMilliseconds:0} ms after the SIGKILL), e.g. {lost[0]}");
            }
            await Task.Delay(options.PollInterval, cancellationToken);
        }
    }

    /// <summary>Every session active with its Janus id, and Janus holding exactly the created sessions.</summary>
    private static async Task VerifyAsync(ClusterOfHosts cluster, IReadOnlyDictionary<string, CreatedOn> expected, string when)
    {
        var listed = await cluster.ListSessionsAsync();
        var wrong = listed.Where(s => !expected.TryGetValue(s.Key, out var created) || s.State != "active" || s.JanusSessionId != created.JanusSessionId).ToList();
        if (listed.Count != expected.Count || wrong.Count > 0)
            throw new BenchmarkFailedException($"{when}: the cluster lists {listed.Count} sessions, expected {expected.Count} active; e.g. {string.Join("; ", wrong.Take(5))}");
        using var admin = cluster.Janus.CreateAdminClient();
        var inJanus = (await admin.ListSessionsAsync()).ToHashSet();
        if (!inJanus.SetEquals(expected.Values.Select(s => s.JanusSessionId)))
            throw new BenchmarkFailedException($"{when}: Janus holds {inJanus.Count} sessions, {inJanus.Intersect(expected.Values.Select(s => s.JanusSessionId)).Count()} of the {expected.Count} created");
        var conflicts = cluster.LogLinesContaining(cluster.RunningNodes, ClusterLogs.JournalConflictMarkers);
        if (conflicts.Count > 0)
            throw new BenchmarkFailedException($"{when}: journal write conflicts, e.g. {conflicts[0]}");
    }

    /// <summary>The survivors' "Session {key} lost: ..." lines for <paramref name="orphans"/>.</summary>
    private static List<string> LostLines(IReadOnlyList<ClusterNode> survivors, IEnumerable<string> orphans)
    {
        var keys = orphans.ToHashSet();
        return survivors.SelectMany(n => n.Host.Log().Split('\n'))
            .Where(line => line.Contains(" lost: ", StringComparison.Ordinal) && line.Split("Session ") is [_, var rest, ..] && keys.Contains(rest.Split(' ')[0]))
            .ToList();
    }

    /// <summary>How many "Reclaimed" lines the survivors logged for the orphans (one each when nothing was claimed twice).</summary>
    private static int ReclaimLines(IReadOnlyList<ClusterNode> survivors, IEnumerable<string> orphans)
    {
        var keys = orphans.ToHashSet();
        return survivors.Sum(n => n.Host.Log().Split('\n').Count(line =>
            line.Contains("Reclaimed Janus session for ", StringComparison.Ordinal)
            && keys.Contains(line.Split("Reclaimed Janus session for ")[1].Split(' ')[0])));
    }

    private void KeepLogs(ClusterOfHosts cluster, int run)
    {
        if (options.LogsDirectory is not { } directory)
            return;
        var folder = Path.Combine(directory, $"cluster-{options.Sessions}-run{run}-{DateTime.Now:yyyyMMdd-HHmmss}");
        cluster.CopyLogsTo(folder);
        Progress.Log($"logs kept in {folder}");
    }

    private sealed record CreatedOn(long JanusSessionId, string Node);
}

/// <summary>One cluster failover: offsets from the SIGKILL, as the survivors' APIs showed them (late by up to one poll).</summary>
public sealed record FailoverResult(
    int Sessions,
    int TotalSessions,
    int Run,
    TimeSpan? Unreachable,
    TimeSpan? Downed,
    TimeSpan? Removed,
    TimeSpan FirstActive,
    TimeSpan HalfActive,
    TimeSpan AllActive,
    TimeSpan RawOneSocket,
    int ReclaimLines)
{
    /// <summary>SIGKILL → a survivor lists the node as unreachable.</summary>
    public TimeSpan Detection => Unreachable ?? TimeSpan.Zero;

    /// <summary>Unreachable → gone from (or down in) every survivor's member list: SBR's stable-after and the leader's removal.</summary>
    public TimeSpan Downing => (Downed ?? Removed ?? Detection) - Detection;

    /// <summary>Downed → every session active on a survivor: shard hand-over, remembered entities, journal recovery, claims.</summary>
    public TimeSpan Takeover => AllActive - (Downed ?? Removed ?? Detection);

    public double RatioToRaw => AllActive / RawOneSocket;

    public override string ToString() =>
        $"{Sessions} sessions (of {TotalSessions}): unreachable {Ms(Unreachable)}, down {Ms(Downed)}, removed {Ms(Removed)}, " +
        $"first active {Ms(FirstActive)}, half {Ms(HalfActive)}, all {Ms(AllActive)}; raw one-socket claim {Ms(RawOneSocket)}; " +
        $"{ReclaimLines} 'Reclaimed' lines";

    private static string Ms(TimeSpan? t) => t is { } v ? $"{v.TotalMilliseconds:0} ms" : "never";
}
