namespace Janus.Actors.Benchmarks;

/// <summary>One kill/restart cycle: the library's recovery next to the raw baseline measured on the idle Janus between the kill and the restart.</summary>
/// <param name="Journal">The journal the host ran on.</param>
/// <param name="Sessions">How many sessions were reclaimed.</param>
/// <param name="Run">1-based run number on this journal.</param>
/// <param name="RestartToHealthy">Host process launched → first <c>GET /healthz</c> 200.</param>
/// <param name="KillToAllActive">SIGKILL sent → every session active, less the raw baseline run in between: the kill's own
/// wait for the process to exit plus <paramref name="RestartToAllActive"/>.</param>
/// <param name="RestartToAllActive">Host process launched → every session active: the sessions/s denominator.</param>
/// <param name="RawOneSocket">The raw claims of every session while the host is dead (Janus idle): one WebSocket per server,
/// pipelined, for the WebSocket ones, and 16 HTTP connections per server for the REST ones.</param>
/// <param name="Load">The machine's one-minute load average when the run started.</param>
/// <param name="RssPerSessionKiB">Host RSS with every session idle, less the RSS of the same host with none, per session.</param>
/// <param name="Timeline">Where the recovery's time went, from the host's own log.</param>
/// <param name="Servers">How many Janus servers the sessions were spread over.</param>
/// <param name="Spread">Sessions per Janus server after the creates (placement's result).</param>
public sealed record RunResult(
    JournalKind Journal,
    int Sessions,
    int Run,
    TimeSpan RestartToHealthy,
    TimeSpan KillToAllActive,
    TimeSpan RestartToAllActive,
    TimeSpan RawOneSocket,
    double Load,
    double RssPerSessionKiB,
    RecoveryTimeline Timeline,
    int Servers,
    IReadOnlyDictionary<string, int> Spread)
{
    /// <summary>The sessions' transport.</summary>
    public BenchTransport Transport { get; init; }

    /// <summary>The most HTTP connections one Janus server held during the recovery (its side: the dead host's polls too).</summary>
    public int JanusHttpConnectionsPeak { get; init; }

    /// <summary>A REST echo's round trip through the host with every session created (before the kills); null without REST sessions.</summary>
    public EchoLatency? RestEcho { get; init; }

    /// <summary>SIGKILL → every REST session answered an echo (its events flow again); null without REST sessions.</summary>
    public TimeSpan? KillToRestEventsFlow { get; init; }

    /// <summary>SIGKILL → every handle resynced (its session's <c>SessionReclaimed</c> told); null without <c>--handles</c>.</summary>
    public TimeSpan? KillToAllResynced { get; init; }

    public double SessionsPerSecond => Sessions / RestartToAllActive.TotalSeconds;

    /// <summary>Library (SIGKILL → all active) over the raw claim (one socket per server): how far from the ceiling.</summary>
    public double RatioToOneSocket => KillToAllActive / RawOneSocket;
}

/// <summary>The median and 95th percentile of a sample of round trips.</summary>
public sealed record EchoLatency(TimeSpan Median, TimeSpan P95);
