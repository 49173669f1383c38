namespace Janus.Actors.Chaos;

/// <summary>A fault as it happened: when it began, when the system was whole again, and what went wrong doing it.</summary>
public sealed record InjectedFault(Fault Fault, int Episode, DateTime Start, DateTime End, string? Problem);

/// <summary>Does a <see cref="Fault"/> to the world and undoes it: restarts what it killed, thaws, heals, frees.</summary>
public sealed class FaultInjector(ChaosWorld world)
{
    private static readonly TimeSpan RestartPatience = TimeSpan.FromSeconds(90);

    public async Task<InjectedFault> InjectAsync(Fault fault, int episode)
    {
        await Task.Delay(fault.Offset);
        var start = DateTime.UtcNow;
        string? problem = null;
        try
        {
            await DoAsync(fault);
        }
        catch (Exception e)
        {
            problem = e.Message;
        }
        return new InjectedFault(fault, episode, start, DateTime.UtcNow, problem);
    }

    private async Task DoAsync(Fault fault)
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
                await Task.Delay(fault.Duration);
                await world.Postgres.ResumeAsync();
                break;
            case FaultKind.JournalFull:
                var filler = world.Disk!.Fill();
                await Task.Delay(fault.Duration);
                File.Delete(filler);
                break;
        }
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
