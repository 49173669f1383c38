namespace Janus.Actors.Benchmarks;

/// <summary>One kill/restart cycle: the library's recovery next to the raw baselines measured just before it.</summary>
/// <param name="Journal">The journal the host ran on.</param>
/// <param name="Sessions">How many sessions were reclaimed.</param>
/// <param name="Run">1-based run number on this journal.</param>
/// <param name="RestartToHealthy">Host process launched → first <c>GET /healthz</c> 200.</param>
/// <param name="KillToAllActive">SIGKILL sent → first <c>GET /v1/sessions</c> showing every session active.</param>
/// <param name="RestartToAllActive">Host process launched → every session active: the sessions/s denominator.</param>
/// <param name="RawOneSocket">One raw WebSocket claiming every session, pipelined.</param>
/// <param name="RawSocketPerSession">One raw WebSocket per session, each claiming its session.</param>
/// <param name="Timeline">Where the recovery's time went, from the host's own log.</param>
public sealed record RunResult(
    JournalKind Journal,
    int Sessions,
    int Run,
    TimeSpan RestartToHealthy,
    TimeSpan KillToAllActive,
    TimeSpan RestartToAllActive,
    TimeSpan RawOneSocket,
    TimeSpan RawSocketPerSession,
    RecoveryTimeline Timeline)
{
    public double SessionsPerSecond => Sessions / RestartToAllActive.TotalSeconds;

    /// <summary>Library (SIGKILL → all active) over the one-socket raw claim: how far from the ceiling.</summary>
    public double RatioToOneSocket => KillToAllActive / RawOneSocket;

    /// <summary>Library (SIGKILL → all active) over the socket-per-session raw claim.</summary>
    public double RatioToSocketPerSession => KillToAllActive / RawSocketPerSession;
}
