namespace Janus.Actors.Chaos;

/// <summary>What a run produced, for the report.</summary>
public sealed record ChaosResult(
    ChaosOptions Options,
    DateTime Start,
    DateTime End,
    IReadOnlyList<FaultKind> Kinds,
    IReadOnlyList<InjectedFault> Faults,
    IReadOnlyList<Operation> Operations,
    IReadOnlyList<Violation> Violations,
    IReadOnlyList<Checkpoint> Checkpoints,
    IReadOnlyList<Sample> Samples,
    IReadOnlyList<WitnessedEvent> Witnessed,
    int WitnessMalformed,
    IReadOnlyDictionary<string, int> WireVerbs,
    int WireUnattributed,
    string? SelfTestKey);

/// <summary>
/// The soak: start the world, run the workload, and until the time is up inject an episode of faults, pause the
/// workload, let the host settle and check every rule; then end the workload, destroy what is left, wait for Janus to
/// drop every orphan and check that the levels came back.
/// </summary>
public sealed class ChaosRun(ChaosOptions options)
{
    private static readonly TimeSpan SettlePatience = TimeSpan.FromSeconds(120);

    public async Task<ChaosResult> RunAsync()
    {
        await using var witness = new JanusWitness();
        var wire = new WireWitness();
        await using var world = await ChaosWorld.StartAsync(options, witness, wire);
        Progress.Log($"started: {string.Join(", ", world.Servers.Select(s => $"{s.Name} (Janus pid {s.Janus.ProcessId})"))}, " +
                     $"{options.Topology}" + (world.IsCluster ? "" : world.Disk is null ? ", the journal in a temp folder (not root: no journal-full faults)" : ", the journal on its own 64 MiB tmpfs"));
        var workload = new Workload(world.Api, options.Sessions, options.Seed);
        var schedule = new FaultSchedule(options.Seed, world.Hosts.Count, world.Servers.Count, world.Disk is not null, world.Postgres is not null);
        var injector = new FaultInjector(world);
        var checker = new Checker(world, witness, wire, workload.Ledger);
        var faults = new List<InjectedFault>();
        var start = DateTime.UtcNow;
        List<Sample> samples;
        string? selfTestKey = null;
        try
        {
            await using (var timeline = new Timeline(world.Hosts))
            {
                workload.Start();
                await Task.Delay(TimeSpan.FromSeconds(5)); // the workload builds up before the first fault
                if (options.SelfTest)
                {
                    await workload.PauseAsync();
                    var lost = await SelfTest.LoseAcknowledgedSessionAsync(world, workload.Ledger);
                    Progress.Log($"self-test: {lost}'s journal rows deleted behind the host's back; the checker must report it");
                    await checker.CheckAsync(1, await checker.SettleAsync(1, SettlePatience));
                    workload.Resume();
                    await SelfTest.RunTwinOnRestoredJournalAsync(world, wire);
                    Progress.Log("self-test: a second host ran on a restored copy of the journal beside the first; the checker must report it");
                    await workload.PauseAsync();
                    await checker.CheckAsync(2, await checker.SettleAsync(2, SettlePatience));
                    selfTestKey = lost;
                    workload.Resume();
                }
                var deadline = DateTime.UtcNow + (options.SelfTest ? TimeSpan.Zero : options.Duration);
                for (var episode = 1; DateTime.UtcNow < deadline; episode++)
                {
                    var planned = schedule.NextEpisode();
                    Progress.Log($"episode {episode}: {string.Join("; ", planned)}");
                    var injected = await Task.WhenAll(planned.Select(fault => injector.InjectAsync(fault, episode)));
                    faults.AddRange(injected);
                    foreach (var problem in injected.Where(f => f.Problem is not null))
                        checker.Add(episode, problem.Rule, $"{problem.Fault}: {problem.Problem}");
                    await workload.PauseAsync();
                    var settled = await checker.SettleAsync(episode, SettlePatience);
                    await checker.CheckAsync(episode, settled);
                    Progress.Log($"episode {episode}: settled in {settled?.TotalSeconds.ToString("0.0") ?? "—"} s, " +
                                 $"{checker.Violations.Count} violation(s) so far, {workload.Log.All.Count} operations");
                    workload.Resume();
                    await Task.Delay(schedule.Quiet());
                }
                await workload.StopAsync();
                await EndAsync(world, workload, checker, faults.Count == 0 ? 0 : faults[^1].Episode + 1);
                samples = [.. timeline.Samples];
            }
        }
        finally
        {
            Directory.CreateDirectory(options.ReportFolder);
            world.KeepLogs(options.ReportFolder);
        }
        return new ChaosResult(options, start, DateTime.UtcNow, schedule.Kinds, faults, workload.Log.All, checker.Violations,
            checker.Checkpoints, samples, [.. witness.Events], witness.Malformed, wire.Verbs, wire.Unattributed, selfTestKey);
    }

    /// <summary>
    /// The end: a last check once settled, every live session destroyed, then Janus must drop every session the host does
    /// not have within its timeout, and a last check of the levels with nothing live.
    /// </summary>
    private static async Task EndAsync(ChaosWorld world, Workload workload, Checker checker, int episode)
    {
        Progress.Log("end: settling, checking, destroying every live session");
        var settled = await checker.SettleAsync(episode, SettlePatience);
        await checker.CheckAsync(episode, settled);
        var (sessions, _) = await HostSnapshot.TakeAsync(world.Api);
        foreach (var session in sessions?.Values.Where(s => s.IsLive) ?? [])
        {
            workload.Ledger.DestroyAttempted(session.Key);
            var answer = await world.Api.DeleteAsync($"v1/sessions/{session.Key}");
            if (answer.Is(HttpStatusCode.NoContent)) workload.Ledger.Destroyed(session.Key);
            else checker.Add(episode, "settles", $"the final destroy of {session.Key} failed on a quiet system: {answer.Reason}");
        }
        var patience = Stopwatch.StartNew();
        int orphans;
        while ((orphans = await checker.OrphansAsync()) > 0 && patience.Elapsed < TimeSpan.FromSeconds(ChaosWorld.JanusTimeoutSeconds + 30))
            await Task.Delay(TimeSpan.FromSeconds(1));
        Progress.Log($"end: {orphans} Janus session(s) left {patience.Elapsed.TotalSeconds:0} s after the last destroy");
        await checker.CheckAsync(episode, settled);
    }
}

/// <summary>Timestamped progress lines, so a long run shows where it is.</summary>
internal static class Progress
{
    public static void Log(string message) => Console.WriteLine($"[chaos {DateTime.Now:HH:mm:ss}] {message}");
}
