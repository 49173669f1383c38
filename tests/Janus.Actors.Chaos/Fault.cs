using System.Globalization;

namespace Janus.Actors.Chaos;

public enum FaultKind
{
    /// <summary>SIGKILL of a host, started again after <see cref="Fault.Duration"/>.</summary>
    HostKill,
    /// <summary>SIGSTOP of a host for <see cref="Fault.Duration"/>, then SIGCONT.</summary>
    HostFreeze,
    /// <summary>SIGKILL of a Janus (every session it held is gone), started again after <see cref="Fault.Duration"/>.</summary>
    JanusKill,
    /// <summary>SIGSTOP of a Janus for <see cref="Fault.Duration"/>: its sockets stay open, nothing answers.</summary>
    JanusFreeze,
    /// <summary>Every open connection between the host and a Janus dies.</summary>
    LinkCut,
    /// <summary>The connections stay open but carry nothing, either way, for <see cref="Fault.Duration"/>.</summary>
    LinkBlackhole,
    /// <summary>Every chunk between the host and a Janus waits <see cref="Fault.Latency"/>, for <see cref="Fault.Duration"/>.</summary>
    LinkDelay,
    /// <summary>The journal's file system is full for <see cref="Fault.Duration"/>.</summary>
    JournalFull,
    /// <summary>PostgreSQL (the cluster's journal) stopped, started again after <see cref="Fault.Duration"/>.</summary>
    PostgresRestart,
}

/// <summary>One fault of an episode: what, on which target (a host or a Janus by index), how long, from when.</summary>
public sealed record Fault(FaultKind Kind, int Target, TimeSpan Offset, TimeSpan Duration, TimeSpan Latency = default)
{
    public string TargetName => Kind switch
    {
        FaultKind.HostKill or FaultKind.HostFreeze => $"host-{Target}",
        FaultKind.JournalFull or FaultKind.PostgresRestart => "journal",
        FaultKind.LinkCut or FaultKind.LinkBlackhole or FaultKind.LinkDelay => $"link to {JanusHostSettings.ServerName(Target)}",
        _ => JanusHostSettings.ServerName(Target),
    };

    public override string ToString()
    {
        var seconds = Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        return Kind switch
        {
            FaultKind.HostKill => $"SIGKILL {TargetName}, restarted {seconds} s later",
            FaultKind.HostFreeze => $"SIGSTOP {TargetName} for {seconds} s",
            FaultKind.JanusKill => $"SIGKILL {TargetName}, restarted {seconds} s later",
            FaultKind.JanusFreeze => $"SIGSTOP {TargetName} for {seconds} s",
            FaultKind.LinkCut => $"cut the {TargetName}",
            FaultKind.LinkBlackhole => $"blackhole the {TargetName} for {seconds} s",
            FaultKind.LinkDelay => $"delay the {TargetName} by {Latency.TotalMilliseconds:0} ms for {seconds} s",
            FaultKind.JournalFull => $"fill the journal's file system for {seconds} s",
            FaultKind.PostgresRestart => $"stop PostgreSQL, start it {seconds} s later",
            _ => Kind.ToString(),
        };
    }
}

/// <summary>
/// The seeded schedule: episode after episode of one to three overlapping faults. The same seed and topology give the
/// same faults, targets and durations in the same order (when they happen depends on how fast the system settles).
/// </summary>
public sealed class FaultSchedule(int seed, int hosts, int servers, bool journalDisk, bool postgres)
{
    private readonly Random _random = new(seed);

    public IReadOnlyList<FaultKind> Kinds { get; } =
        [.. Enum.GetValues<FaultKind>().Where(kind => kind switch
        {
            FaultKind.JournalFull => journalDisk,
            FaultKind.PostgresRestart => postgres,
            _ => true,
        })];

    /// <summary>The next episode's faults.</summary>
    public IReadOnlyList<Fault> NextEpisode()
    {
        var count = _random.NextDouble() switch { < 0.5 => 1, < 0.85 => 2, _ => 3 };
        var episode = new List<Fault>();
        // One fault per target at a time: a second SIGKILL of a host that is being restarted is not a second fault.
        for (var draws = 0; episode.Count < count && draws < 20; draws++)
        {
            var fault = Next(episode.Count == 0 ? TimeSpan.Zero : Seconds(0, 3));
            if (episode.All(other => other.TargetName != fault.TargetName)) episode.Add(fault);
        }
        return episode;
    }

    /// <summary>How long the workload runs alone before the next episode.</summary>
    public TimeSpan Quiet() => Seconds(1, 4);

    private Fault Next(TimeSpan offset)
    {
        var kind = Kinds[_random.Next(Kinds.Count)];
        return kind switch
        {
            FaultKind.HostKill => new Fault(kind, _random.Next(hosts), offset, Seconds(0, 3)),
            FaultKind.HostFreeze => new Fault(kind, _random.Next(hosts), offset, Skewed(1, 40)),
            FaultKind.JanusKill => new Fault(kind, _random.Next(servers), offset, Seconds(0, 5)),
            FaultKind.JanusFreeze => new Fault(kind, _random.Next(servers), offset, Skewed(1, 20)),
            FaultKind.LinkCut => new Fault(kind, _random.Next(servers), offset, TimeSpan.Zero),
            FaultKind.LinkBlackhole => new Fault(kind, _random.Next(servers), offset, Skewed(1, 20)),
            FaultKind.LinkDelay => new Fault(kind, _random.Next(servers), offset, Seconds(5, 20), TimeSpan.FromMilliseconds(_random.Next(50, 800))),
            FaultKind.PostgresRestart => new Fault(kind, 0, offset, Seconds(1, 15)),
            _ => new Fault(kind, 0, offset, Seconds(2, 15)),
        };
    }

    private TimeSpan Seconds(double min, double max) => TimeSpan.FromSeconds(min + (max - min) * _random.NextDouble());

    /// <summary>Mostly short, sometimes long: min + (max - min)·r².</summary>
    private TimeSpan Skewed(double min, double max) => TimeSpan.FromSeconds(min + (max - min) * Math.Pow(_random.NextDouble(), 2));
}
