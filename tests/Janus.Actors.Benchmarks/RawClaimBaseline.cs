using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Janus.Actors.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// What claiming the same Janus sessions costs without the library: no journal, no actors, no HTTP API. The baseline
/// claims the sessions (Janus allows that and tells nobody) and drops its socket at the end, so Janus keeps the sessions
/// for <c>reclaim_session_timeout</c> and the host's next recovery claims them again. Timings include opening the socket.
/// </summary>
public static class RawClaimBaseline
{
    /// <summary>
    /// REST claims (<c>POST /janus/{session}</c>) on <paramref name="connections"/> kept-alive HTTP connections, as many in
    /// flight: the ceiling of a REST reclaim, which takes a connection per request.
    /// </summary>
    public static async Task<TimeSpan> RestAsync(JanusServer janus, IReadOnlyList<long> sessionIds, int connections)
    {
        var clock = Stopwatch.StartNew();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections });
        await Parallel.ForEachAsync(sessionIds, new ParallelOptions { MaxDegreeOfParallelism = connections }, async (id, cancellation) =>
        {
            using var response = await http.PostAsync(new Uri($"{janus.RestUrl.ToString().TrimEnd('/')}/{id}"),
                JsonContent.Create(new { janus = "claim", transaction = $"raw-{id}" }), cancellation);
            var reply = await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
            if (reply.GetProperty("janus").GetString() != "success")
                throw new BenchmarkFailedException($"the raw REST claim of {id} was answered {reply}");
        });
        return clock.Elapsed;
    }

    /// <summary>One WebSocket, <paramref name="inFlight"/> claims pipelined on it: the ceiling of any reclaim path.</summary>
    public static async Task<TimeSpan> OneSocketAsync(JanusServer janus, IReadOnlyList<long> sessionIds, int inFlight)
    {
        var clock = Stopwatch.StartNew();
        await using var client = await janus.ConnectRawClientAsync();
        await client.ClaimManyAsync(sessionIds, inFlight);
        return clock.Elapsed;
    }
}
