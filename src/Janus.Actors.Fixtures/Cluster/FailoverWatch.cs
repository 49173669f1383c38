namespace Janus.Actors.Fixtures;

/// <summary>
/// After a node was killed: when the survivors' <c>GET /v1/cluster</c> first showed it unreachable, and when it was no
/// longer an Up member on every survivor (downed or removed). Offsets from the kill; null when never seen. Observed by
/// polling, so each is late by up to one poll period.
/// </summary>
public sealed record DowningTimes(TimeSpan? Unreachable, TimeSpan? Downed, TimeSpan? Removed)
{
    public override string ToString() =>
        $"unreachable after {Ms(Unreachable)}, downed after {Ms(Downed)}, removed after {Ms(Removed)}";

    private static string Ms(TimeSpan? t) => t is { } v ? $"{v.TotalMilliseconds:0} ms" : "never";
}

/// <summary>Polls the survivors' view of the cluster after a node was killed.</summary>
public static class FailoverWatch
{
    /// <summary>Polls until the victim is gone from every survivor's member list (or <paramref name="cancellationToken"/>).</summary>
    /// <param name="victim">The killed node.</param>
    /// <param name="survivors">The nodes still running.</param>
    /// <param name="killedAt"><see cref="Stopwatch.GetTimestamp"/> at the SIGKILL.</param>
    /// <param name="pollInterval">Time between rounds of polls.</param>
    /// <param name="cancellationToken">Stops watching; the times seen so far are returned.</param>
    public static async Task<DowningTimes> WatchAsync(ClusterNode victim, IReadOnlyList<ClusterNode> survivors, long killedAt,
        TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        TimeSpan? unreachable = null, downed = null, removed = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (!cancellationToken.IsCancellationRequested && removed is null)
        {
            var views = new List<ClusterView>();
            foreach (var survivor in survivors)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(survivor.Host.BaseAddress, "v1/cluster"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                        views.Add(ClusterView.Parse(System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    // a survivor busy taking over: ask again next round
                }
            }
            var now = Stopwatch.GetElapsedTime(killedAt);
            if (views.Any(v => v.Unreachable.Contains(victim.Address)))
                unreachable ??= now;
            if (views.Count == survivors.Count && views.All(v => v.Members.All(m => m.Node != victim.Address || m.Status.Equals("down", StringComparison.OrdinalIgnoreCase))))
            {
                unreachable ??= now; // removed between two polls
                downed ??= now;
            }
            if (views.Count == survivors.Count && views.All(v => !v.IsMember(victim.Address)))
                removed = now;
            try
            {
                await Task.Delay(pollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return new DowningTimes(unreachable, downed, removed);
    }
}
