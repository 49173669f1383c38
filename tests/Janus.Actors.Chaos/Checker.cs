namespace Janus.Actors.Chaos;

/// <summary>A broken promise: which rule, after which episode, what exactly.</summary>
public sealed record Violation(DateTime At, int Episode, string Rule, string Detail);

/// <summary>The levels read at a checkpoint: sessions by state, the host's and each Janus's open files, the host's memory.</summary>
public sealed record Checkpoint(DateTime At, int Episode, TimeSpan? Settled, int LiveSessions, int LiveRestSessions, int? HostOpenFiles, double? HostMiB, IReadOnlyList<int?> JanusOpenFiles);

/// <summary>
/// Holds the host to what Janus says. After every episode, once the host has settled (ready, nothing creating or
/// reclaiming), it compares the host's sessions with each Janus's <c>list_sessions</c>, the witness's events and the
/// ledger of what the host acknowledged, and records every broken rule:
/// <list type="bullet">
/// <item><c>active-in-janus</c>: every session the host lists active exists in Janus, same id, on its own server.</item>
/// <item><c>lost-with-janus-word</c>: no session is lost while Janus still holds it, and every lost one has Janus's word
/// for it: a 458, a destroyed or timeout event, or a restart of its server since Janus created it.</item>
/// <item><c>acknowledged-is-durable</c>: every acknowledged create is still listed, every acknowledged destroy stays
/// ended, every acknowledged attach is listed on its session while the session lives.</item>
/// <item><c>orphan-expires-unused</c>: a Janus session the host does not have live (a crash between Janus's create and
/// the journal's write) gets no handle and is gone within Janus's timeout.</item>
/// <item><c>one-holder</c>: exactly one host is ready (holds the journal) at a time; in a cluster, every active session is
/// hosted by a node that runs.</item>
/// <item><c>one-claimer</c> (<see cref="WireWitness"/>): a Janus session is used only by the process that claimed it last,
/// while that process runs.</item>
/// <item><c>settles</c>: once the faults are over, the host is ready with nothing creating or reclaiming within 120 s.</item>
/// <item><c>readiness-says-so</c> (checked by the fault itself): while PostgreSQL is down, a node's <c>/readyz</c> says
/// the journal is unavailable.</item>
/// <item><c>levels-return</c>: open files (less the API connections the soak's clients keep pooled) come back to their
/// level (with the REST sessions' long polls) after each fault,
/// and memory stays within twice its first level and 128 MiB (a leak per fault or per operation outgrows it in a soak;
/// the garbage collector's own sizing does not).</item>
/// </list>
/// </summary>
public sealed class Checker(ChaosWorld world, JanusWitness witness, WireWitness wire, Ledger ledger)
{
    /// <summary>How long a session the host does not have may live in Janus: its timeout, the watchdog's lateness and a margin.</summary>
    private static readonly TimeSpan OrphanLifetime = TimeSpan.FromSeconds(ChaosWorld.JanusTimeoutSeconds + 25);

    /// <summary>
    /// How long the host may take to notice that Janus dropped an active session: a keep-alive period (a third of Janus's
    /// timeout), its request timeout and a margin.
    /// </summary>
    private static readonly TimeSpan DetectionPatience = TimeSpan.FromSeconds(ChaosWorld.JanusTimeoutSeconds / 3 + 15);

    /// <summary>
    /// How long a cluster may take to list again the sessions of a node that died: its failure detector and split-brain
    /// resolver down it (~12 s), then the survivors start its sessions (remembered entities) and claim them.
    /// </summary>
    private static readonly TimeSpan RehomingPatience = TimeSpan.FromSeconds(45);

    /// <summary>Open files a host may hold beyond its first level and one per REST session (its long poll).</summary>
    private const int OpenFilesSlack = 64;

    private readonly HashSet<string> _judgedLost = [];
    private readonly Dictionary<(string Server, long Id), DateTime> _orphanSince = [];
    private readonly HashSet<(string Server, long Id)> _reportedOrphans = [];
    private readonly HashSet<string> _reported = [];
    private readonly List<Violation> _violations = [];
    private readonly List<Checkpoint> _checkpoints = [];
    private int? _baseOpenFiles;
    private double? _baseMiB;
    private bool _memoryReported;

    public IReadOnlyList<Violation> Violations => _violations;

    public IReadOnlyList<Checkpoint> Checkpoints => _checkpoints;

    /// <summary>
    /// Waits until a host is ready with nothing creating or reclaiming (in a cluster: first until every node runs again and
    /// sees all of them up); how long that took, or null (a violation).
    /// </summary>
    public async Task<TimeSpan?> SettleAsync(int episode, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        if (!await RunsAgainAsync(episode, patience)) return null;
        var last = "no answer";
        while (clock.Elapsed < patience)
        {
            var ready = await world.Api.GetAsync("readyz");
            var counts = await world.Api.GetAsync("v1/session-counts");
            if (ready.Is(HttpStatusCode.OK) && counts.Is(HttpStatusCode.OK))
            {
                var states = counts.Json.GetProperty("states");
                var busy = states.GetProperty("creating").GetInt32() + states.GetProperty("reclaiming").GetInt32();
                if (busy == 0) return clock.Elapsed;
                last = $"creating {states.GetProperty("creating").GetInt32()}, reclaiming {states.GetProperty("reclaiming").GetInt32()}";
            }
            else
                last = $"readyz {ready.Reason}{(ready.Is(HttpStatusCode.ServiceUnavailable) ? $" {ready.Body}" : "")}";
            await Task.Delay(250);
        }
        Add(episode, "settles", $"not settled {patience.TotalSeconds:0} s after the faults ended: {last}");
        return null;
    }

    /// <summary>
    /// Starts again every host that stopped by itself — a cluster node frozen past the failure detector is downed, and
    /// leaves when it thaws; a survivor without a majority downs itself — as its supervisor (systemd, Kubernetes) would,
    /// until every node runs and, in a cluster, every node sees all of them up.
    /// </summary>
    private async Task<bool> RunsAgainAsync(int episode, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            foreach (var (i, host) in world.Hosts.Index().Where(h => h.Item.HasExited))
            {
                Progress.Log($"host-{i} stopped by itself (exit code {host.ExitCode}): starting it again");
                try
                {
                    await FaultInjector.StartAgainAsync(host);
                }
                catch (InvalidOperationException e)
                {
                    Add(episode, "settles", $"host-{i} stopped by itself and did not start again: {e.Message.Split('\n')[0]}");
                    return false;
                }
            }
            try
            {
                await world.WaitUntilConvergedAsync(TimeSpan.FromSeconds(15));
                return true;
            }
            catch (TimeoutException e) when (DateTime.UtcNow > deadline)
            {
                Add(episode, "settles", e.Message.Split('\n')[0]);
                return false;
            }
            catch (TimeoutException)
            {
                // a node may still be leaving: look again
            }
        }
    }

    /// <summary>
    /// Every rule, against the host's sessions and each Janus's, now. A session the host lists active that Janus no
    /// longer holds is given <see cref="DetectionPatience"/> to be noticed (a REST session learns of a restarted Janus
    /// from its next long poll or keep-alive); only one still active after that breaks the rule. In a cluster, an
    /// acknowledged session missing from the list is given <see cref="RehomingPatience"/> to be listed again.
    /// </summary>
    public async Task CheckAsync(int episode, TimeSpan? settled)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, HostSession>? sessions;
        Dictionary<string, HashSet<long>>? janus;
        List<(HostSession Session, string Problem)> unnoticed;
        while (true)
        {
            (sessions, janus) = await LookAsync(episode);
            if (sessions is null || janus is null) return;
            unnoticed = Unnoticed(sessions.Values, janus);
            var missing = ledger.AcknowledgedAndNotDestroyed.Count(key => !sessions.ContainsKey(key));
            if ((unnoticed.Count == 0 || clock.Elapsed > DetectionPatience) && (missing == 0 || !world.IsCluster || clock.Elapsed > RehomingPatience)) break;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        foreach (var (session, problem) in unnoticed)
            Add(episode, "active-in-janus", $"{session.Key} {problem} (still, {DetectionPatience.TotalSeconds:0} s after the faults were over)");
        CheckLost(episode, sessions.Values, janus);
        CheckDurable(episode, sessions);
        CheckOrphans(episode, sessions.Values, janus);
        await CheckOneHolderAsync(episode);
        foreach (var intrusion in wire.TakeIntrusions())
            Add(episode, "one-claimer", intrusion);
        CheckOneNode(episode, sessions.Values);
        Record(episode, settled, sessions.Values);
    }

    /// <summary>The host's sessions and each Janus's, or nulls (and a violation) when either did not answer.</summary>
    private async Task<(Dictionary<string, HostSession>?, Dictionary<string, HashSet<long>>?)> LookAsync(int episode)
    {
        var (sessions, problem) = await HostSnapshot.TakeAsync(world.Api);
        if (sessions is null)
        {
            Add(episode, "settles", $"the host did not list its sessions: {problem}");
            return (null, null);
        }
        var janus = new Dictionary<string, HashSet<long>>();
        foreach (var server in world.Servers)
        {
            try
            {
                janus[server.Name] = await server.ListSessionsAsync();
            }
            catch (Exception e)
            {
                Add(episode, "settles", $"{server.Name}'s Admin API did not answer list_sessions: {e.Message}");
                return (null, null);
            }
        }
        return (sessions, janus);
    }

    /// <summary>Whether Janus still holds a session the host does not have live (the end of a run waits for none).</summary>
    public async Task<int> OrphansAsync()
    {
        var (sessions, _) = await HostSnapshot.TakeAsync(world.Api);
        var live = sessions?.Values.Where(s => s.IsLive && s.JanusSessionId is not null).Select(s => (s.Server, s.JanusSessionId!.Value)).ToHashSet() ?? [];
        var orphans = 0;
        foreach (var server in world.Servers)
            orphans += (await server.ListSessionsAsync()).Count(id => !live.Contains((server.Name, id)));
        return orphans;
    }

    /// <summary>Sessions the host lists active whose Janus session is not where it says.</summary>
    private static List<(HostSession, string)> Unnoticed(IEnumerable<HostSession> sessions, Dictionary<string, HashSet<long>> janus)
    {
        var unnoticed = new List<(HostSession, string)>();
        foreach (var session in sessions.Where(s => s.State == "active"))
        {
            if (!janus.TryGetValue(session.Server, out var held))
                unnoticed.Add((session, $"is active on {session.Server}, a server the soak does not run"));
            else if (session.JanusSessionId is not { } id || !held.Contains(id))
                unnoticed.Add((session, $"is active but {session.Server} does not hold its Janus session"));
            else if (janus.Any(other => other.Key != session.Server && other.Value.Contains(id)))
                unnoticed.Add((session, "has its Janus session held by another server too"));
        }
        return unnoticed;
    }

    private void CheckLost(int episode, IEnumerable<HostSession> sessions, Dictionary<string, HashSet<long>> janus)
    {
        foreach (var session in sessions.Where(s => s.State == "lost" && _judgedLost.Add(s.Key)))
        {
            if (session.JanusSessionId is not { } id)
                continue; // never created in Janus: nothing of Janus's was lost
            if (janus.TryGetValue(session.Server, out var held) && held.Contains(id))
            {
                Add(episode, "lost-with-janus-word", $"{session.Key} is lost but {session.Server} still holds its Janus session");
                continue;
            }
            var created = witness.CreatedAt(session.Server, id) ?? DateTime.MinValue;
            var word = session.LastErrorCode == 458 || witness.EndOf(session.Server, id) is not null
                       || world.Servers.Single(s => s.Name == session.Server).RestartedSince(created);
            if (!word)
                Add(episode, "lost-with-janus-word", $"{session.Key} is lost without Janus's word (no 458, no destroyed or timeout event, no restart of {session.Server})");
        }
    }

    private void CheckDurable(int episode, Dictionary<string, HostSession> sessions)
    {
        foreach (var key in ledger.AcknowledgedAndNotDestroyed.Where(key => !sessions.ContainsKey(key)))
            Add(episode, "acknowledged-is-durable", $"{key}: its create was acknowledged, the host no longer lists it");
        foreach (var key in ledger.AcknowledgedDestroys.Where(key => sessions.TryGetValue(key, out var s) && s.IsLive))
            Add(episode, "acknowledged-is-durable", $"{key}: its destroy was acknowledged, the host lists it {sessions[key].State}");
        foreach (var (key, handle) in ledger.AcknowledgedHandles)
            if (sessions.TryGetValue(key, out var s) && s.State == "active" && !s.Handles.Contains(handle))
                Add(episode, "acknowledged-is-durable", $"{key}: the attach of handle {handle} was acknowledged, the active session does not list it");
    }

    private void CheckOrphans(int episode, IEnumerable<HostSession> sessions, Dictionary<string, HashSet<long>> janus)
    {
        var now = DateTime.UtcNow;
        var live = sessions.Where(s => s.IsLive && s.JanusSessionId is not null).Select(s => (s.Server, s.JanusSessionId!.Value)).ToHashSet();
        var orphans = janus.SelectMany(server => server.Value.Select(id => (server.Key, id))).Where(o => !live.Contains(o)).ToHashSet();
        foreach (var gone in _orphanSince.Keys.Where(o => !orphans.Contains(o)).ToList())
            _orphanSince.Remove(gone);
        foreach (var orphan in orphans)
        {
            var since = _orphanSince.TryGetValue(orphan, out var first) ? first : _orphanSince[orphan] = now;
            if (_reportedOrphans.Contains(orphan)) continue;
            if (witness.LastAttachTo(orphan.Item1, orphan.Item2) is { } attached && attached > since)
                Report(orphan, $"a handle was attached to a Janus session on {orphan.Item1} the host does not have live");
            else if (now - since > OrphanLifetime)
                Report(orphan, $"a Janus session on {orphan.Item1} the host does not have live is still there {(now - since).TotalSeconds:0} s later");
        }

        void Report((string, long) orphan, string detail)
        {
            _reportedOrphans.Add(orphan);
            Add(episode, "orphan-expires-unused", detail);
        }
    }

    /// <summary>In a cluster every live session is hosted by a node that runs (sharding re-homes a dead node's sessions).</summary>
    private void CheckOneNode(int episode, IEnumerable<HostSession> sessions)
    {
        if (!world.IsCluster) return;
        var running = world.RunningNodes;
        foreach (var session in sessions.Where(s => s.State == "active" && !running.Contains(s.Node ?? "")))
            Add(episode, "one-holder", $"{session.Key} is active on node {session.Node ?? "(none)"}, which is not running");
    }

    private async Task CheckOneHolderAsync(int episode)
    {
        if (world.Hosts.Count < 2 || world.IsCluster) return;
        var ready = 0;
        foreach (var host in world.Hosts) // a host that does not answer is not a holder
            if ((await HostApi.GetFromAsync(host, "readyz", TimeSpan.FromSeconds(5))).Is(HttpStatusCode.OK)) ready++;
        if (ready != 1)
            Add(episode, "one-holder", $"{ready} hosts are ready (hold the journal) at once");
    }

    private void Record(int episode, TimeSpan? settled, IEnumerable<HostSession> sessions)
    {
        var live = sessions.Where(s => s.IsLive).ToList();
        var rest = live.Count(s => ledger.IsRest(s.Key));
        var running = world.Hosts.Where(h => h.ProcessId is not null).ToList();
        var files = running.Select(h => ProcessReadings.OwnOpenFiles(h.ProcessId!.Value, h.Port)).Max();
        var memory = running.Select(h => ProcessReadings.ResidentMiB(h.ProcessId!.Value)).Max();
        if (memory is { } mib)
        {
            _baseMiB ??= mib;
            if (mib > 2 * _baseMiB + 128 && !_memoryReported)
            {
                _memoryReported = true;
                Add(episode, "levels-return", $"a host holds {mib:0} MiB; its first level was {_baseMiB:0} MiB");
            }
        }
        if (files is { } now)
        {
            _baseOpenFiles ??= now - rest;
            if (now > _baseOpenFiles + rest + OpenFilesSlack)
                Add(episode, "levels-return", $"a host holds {now} open files besides its API clients' connections with {rest} REST sessions live; its level is {_baseOpenFiles} + one per REST session");
        }
        _checkpoints.Add(new Checkpoint(DateTime.UtcNow, episode, settled, live.Count, rest, files, memory, [.. world.Servers.Select(s => s.OpenFiles)]));
    }

    /// <summary>Records a violation, once: a broken promise the next checkpoint finds again is the same one.</summary>
    public void Add(int episode, string rule, string detail)
    {
        if (!_reported.Add($"{rule} {detail}")) return;
        _violations.Add(new Violation(DateTime.UtcNow, episode, rule, detail));
        Progress.Log($"VIOLATION [{rule}] {detail}");
    }
}
