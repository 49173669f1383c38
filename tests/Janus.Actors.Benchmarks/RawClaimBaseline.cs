using System.Collections.Concurrent;
using System.Diagnostics;
using Janus.Actors.Tests.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// What claiming the same Janus sessions costs without the library: no journal, no actors, no HTTP API. Each baseline
/// steals the sessions from their current owner (Janus allows that and tells nobody) and drops its sockets at the end,
/// so Janus keeps the sessions for <c>reclaim_session_timeout</c> and the host's next recovery claims them again.
/// Timings include opening the sockets.
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

    /// <summary>
    /// One WebSocket per session, like the library's one-socket-per-session transport: open, claim, keep it open until
    /// all are claimed; <paramref name="inFlight"/> sessions at a time. Shows what the per-session socket costs.
    /// </summary>
    public static async Task<TimeSpan> SocketPerSessionAsync(JanusServer janus, IReadOnlyList<long> sessionIds, int inFlight)
    {
        var clients = new ConcurrentBag<RawJanusClient>();
        try
        {
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(sessionIds, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (sessionId, cancellationToken) =>
            {
                var client = await janus.ConnectRawClientAsync(cancellationToken);
                clients.Add(client);
                await client.ClaimAsync(sessionId, cancellationToken);
            });
            return clock.Elapsed;
        }
        finally
        {
            await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        }
    }
}
