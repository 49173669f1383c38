namespace Janus.Actors.Chaos;

/// <summary>
/// A fault as it happened: when it began, when the system was whole again, and what went wrong — a promise the fault
/// itself broke (<see cref="Rule"/>), or the fault could not be undone.
/// </summary>
public sealed record InjectedFault(Fault Fault, int Episode, DateTime Start, DateTime End, string? Problem, string Rule = "settles");

/// <summary>Does a <see cref="Fault"/> to the world and undoes it: restarts what it killed, thaws, heals, frees.</summary>
public sealed class FaultInjector(ChaosWorld world)
{
    private static readonly TimeSpan RestartPatience = TimeSpan.FromSeconds(90);

    public async Task<InjectedFault> InjectAsync(Fault fault, int episode)
    {
        await Task.Delay(fault.Offset);
        var start = DateTime.UtcNow;
        try
        {
            return await DoAsync(fault) is { } broken
                ? new InjectedFault(fault, episode, start, DateTime.UtcNow, broken, "readiness-says-so")
                : new InjectedFault(fault, episode, start, DateTime.UtcNow, null);
        }
        catch (Exception e)
        {
            return new InjectedFault(fault, episode, start, DateTime.UtcNow, e.Message);
        }
    }

    /// <summary>Does the fault and undoes it; what it found broken meanwhile, or null.</summary>
    private async Task<string?> DoAsync(Fault fault)
    {
        switch (fault.Kind)
        {
            case FaultKind.HostKill:
                var killed = world.Hosts[fault.Target];
                await killed.KillAsync();
                await Task.Delay(fault.Duration);
                await StartAgainAsync(killed);
                break;
            case FaultKind.HostFreeze:
                var frozen = world.Hosts[fault.Target];
                frozen.Freeze();
                await Task.Delay(fault.Duration);
                frozen.Thaw();
                break;
            case FaultKind.JanusKill:
                var janus = world.Servers[fault.Target];
                await janus.Janus.KillAsync();
                await Task.Delay(fault.Duration);
                await janus.StartAsync();
                break;
            case FaultKind.JanusFreeze:
                world.Servers[fault.Target].Janus.Freeze();
                await Task.Delay(fault.Duration);
                world.Servers[fault.Target].Janus.Thaw();
                break;
            case FaultKind.LinkCut:
                world.Servers[fault.Target].Cut();
                break;
            case FaultKind.LinkBlackhole:
                world.Servers[fault.Target].Blackhole();
                await Task.Delay(fault.Duration);
                world.Servers[fault.Target].Heal();
                break;
            case FaultKind.LinkDelay:
                world.Servers[fault.Target].Delay(fault.Latency);
                await Task.Delay(fault.Duration);
                world.Servers[fault.Target].Heal();
                break;
            case FaultKind.PostgresRestart:
                await world.Postgres!.PauseAsync();
                var down = Stopwatch.StartNew();
                var said = await ReadinessSaysJournalDownAsync(fault.Duration);
                await Task.Delay(fault.Duration - down.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                await world.Postgres.ResumeAsync();
                return said || fault.Duration < ReadinessPatience
                    ? null
                    : $"PostgreSQL was down {fault.Duration.TotalSeconds:0.0} s and no node's /readyz said so";
            case FaultKind.JournalFull:
                var filler = world.Disk!.Fill();
                await Task.Delay(fault.Duration);
                File.Delete(filler);
                break;
        }
        return null;
    }

    /// <summary>How long a node's readiness may take to notice its journal is gone: its probe's period and timeout.</summary>
    private static readonly TimeSpan ReadinessPatience = TimeSpan.FromSeconds(6);

    /// <summary>Whether a running node's <c>/readyz</c> answers 503 naming the journal within the outage.</summary>
    private async Task<bool> ReadinessSaysJournalDownAsync(TimeSpan outage)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < outage)
        {
            foreach (var host in world.Hosts.Where(h => !h.HasExited)) // a node that does not answer says nothing
            {
                var answer = await HostApi.GetFromAsync(host, "readyz", TimeSpan.FromSeconds(2));
                if (answer.Is(HttpStatusCode.ServiceUnavailable) && answer.Body.Contains("journal", StringComparison.OrdinalIgnoreCase))
                    return true;
            }
            await Task.Delay(250);
        }
        return false;
    }

    /// <summary>
    /// Starts a killed host again; a start refused meanwhile (another fault of the episode: the journal's disk full) is
    /// tried again until <see cref="RestartPatience"/>, then reported.
    /// </summary>
    public static async Task StartAgainAsync(HostProcess host)
    {
        var deadline = DateTime.UtcNow + RestartPatience;
        while (true)
        {
            try
            {
                await host.StartAsync();
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }
}
