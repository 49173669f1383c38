using System.Diagnostics;
using Janus.Actors.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// What claiming the same Janus sessions costs without the library: no journal, no actors, no HTTP API. The baseline
/// claims the sessions (Janus allows that and tells nobody) and drops its socket at the end, so Janus keeps the sessions
/// for <c>reclaim_session_timeout</c> and the host's next recovery claims them again. Timings include opening the socket.
/// </summary>
public static class RawClaimBaseline
{
    /// <summary>One WebSocket, <paramref name="inFlight"/> claims pipelined on it: the ceiling of any reclaim path.</summary>
    public static async Task<TimeSpan> OneSocketAsync(JanusServer janus, IReadOnlyList<long> sessionIds, int inFlight)
    {
        var clock = Stopwatch.StartNew();
        await using var client = await janus.ConnectRawClientAsync();
        await client.ClaimManyAsync(sessionIds, inFlight);
        return clock.Elapsed;
    }
}
