using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// Sessions that Janus destroyed while their node was dead end <c>lost</c> (458) on the survivor that takes them over,
/// the others come back; and a lost session stays lost: restarting nodes never claims it again.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterLostSessionSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private const int SessionsPerNodeAndTransport = 2; // 12 sessions
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);


    [Fact]
    public async Task Sessions_destroyed_in_Janus_while_their_node_was_dead_end_lost_and_are_never_resurrected()
    {
        var created = await Cluster.CreateRoundRobinAsync(SessionsPerNodeAndTransport);
        var hosting = await Cluster.HostingNodesAsync(created.Select(s => s.Key));
        var victim = hosting.GroupBy(h => h.Value).OrderByDescending(g => g.Count()).First().Key;
        var orphans = created.Where(s => hosting[s.Key] == victim).ToList();
        // Half of the victim's sessions (at least one), both transports when it has both.
        var doomed = orphans.GroupBy(s => s.Transport).SelectMany(g => g.Take(Math.Max(1, g.Count() / 2))).ToList();
        var doomedKeys = doomed.Select(s => s.Key).ToHashSet();
        var survivors = Cluster.Nodes.Where(n => n != victim).ToList();

        var killedAt = Stopwatch.GetTimestamp();
        await Cluster.KillAsync(victim);
        using (var admin = Cluster.Janus.CreateAdminClient())
            foreach (var session in doomed)
                await admin.DestroySessionAsync(session.JanusSessionId);
        Output.WriteLine($"{victim} killed; {doomed.Count} of its {orphans.Count} sessions destroyed in Janus " +
                         $"{Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds:0} ms later: {string.Join(", ", doomedKeys)}");

        var kept = created.Where(s => !doomedKeys.Contains(s.Key)).ToList();
        await Cluster.WaitForSessionsAsync(sessions => kept.All(k => sessions.Any(s =>
                s.Key == k.Key && s.State == "active" && s.JanusSessionId == k.JanusSessionId && s.Node != victim.Address)),
            Patience, "every session that was not destroyed active on a survivor with its Janus id");
        await Eventually.ReturnsAsync(() => LostByKeyAsync(doomed), seen => seen.AllLost, Patience, "the destroyed sessions lost with 458");
        Output.WriteLine($"failover with lost sessions settled {Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds:0} ms after SIGKILL");
        await AssertLostEverywhereAsync(doomed);

        // Restart the killed node, then restart the survivor that now holds most of the lost sessions.
        var logLengthsBeforeRestarts = Cluster.Nodes.ToDictionary(n => n, n => n.Host.Log().Length);
        await Cluster.RestartAsync(victim);
        // A lost session may be passivated (no node then): any survivor will do.
        var holder = (await Cluster.ListSessionsAsync()).Where(s => doomedKeys.Contains(s.Key) && s.Node is not null && s.Node != victim.Address)
            .GroupBy(s => s.Node).OrderByDescending(g => g.Count()).Select(g => Cluster.NodeAt(g.Key)).FirstOrDefault() ?? survivors[0];
        Assert.Equal(0, await Cluster.StopAsync(holder));
        await Cluster.WaitUntilAllUpAsync(Patience);
        await Cluster.RestartAsync(holder);

        await Cluster.WaitForSessionsAsync(sessions => kept.All(k => sessions.Any(s =>
                s.Key == k.Key && s.State == "active" && s.JanusSessionId == k.JanusSessionId)),
            Patience, "every session that was not destroyed active after the restarts");
        await AssertLostEverywhereAsync(doomed);
        foreach (var session in kept)
            Assert.Equal("ok", await Cluster.Nodes[Random.Shared.Next(Nodes)].EchoAsync(session.Key, session.HandleId));

        // Janus never saw them again: no node tried to claim a lost session after the restarts, Janus holds exactly the others.
        var attempts = Cluster.Nodes
            .SelectMany(n => n.Host.Log()[logLengthsBeforeRestarts[n]..].Split('\n').Select(line => (n, line)))
            // A claim of a lost session would end in Janus's 458 ("Session … lost"), a warning ("Could not claim …") or success.
            .Where(l => doomedKeys.Any(key => l.line.Contains($"Session {key} lost", StringComparison.Ordinal)
                                              || l.line.Contains($"Could not claim the Janus session of {key} ", StringComparison.Ordinal)
                                              || l.line.Contains($"Reclaimed Janus session for {key} ", StringComparison.Ordinal)))
            .Select(l => $"[node {l.n.Index}] {l.line}")
            .ToList();
        Assert.True(attempts.Count == 0, "lost sessions were claimed again after the restarts:\n" + string.Join('\n', attempts));
        using (var admin = Cluster.Janus.CreateAdminClient())
        {
            var inJanus = (await admin.ListSessionsAsync()).Order().ToArray();
            Assert.Equal(kept.Select(s => s.JanusSessionId).Order(), inJanus);
        }
        AssertCleanLogs();
    }

    private sealed record LostSeen(bool AllLost, string Views);

    /// <summary>GET each session by key on a random running node: all lost with 458?</summary>
    private async Task<LostSeen> LostByKeyAsync(IReadOnlyList<CreatedSession> doomed)
    {
        var views = new List<string>();
        var allLost = true;
        foreach (var session in doomed)
        {
            var running = Cluster.RunningNodes.ToList();
            try
            {
                var seen = await running[Random.Shared.Next(running.Count)].GetSessionAsync(session.Key);
                allLost &= seen is { State: "lost", LastErrorCode: 458 };
                views.Add(seen.ToString());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                allLost = false;
                views.Add($"{session.Key}: {e.Message.Split('\n')[0]}");
            }
        }
        return new LostSeen(allLost, string.Join("; ", views));
    }

    /// <summary>Every running node answers GET for each lost session: lost, 458, the Janus id it had.</summary>
    private async Task AssertLostEverywhereAsync(IReadOnlyList<CreatedSession> doomed)
    {
        foreach (var node in Cluster.RunningNodes)
            foreach (var session in doomed)
            {
                var seen = await node.GetSessionAsync(session.Key);
                Assert.True(seen is { State: "lost", LastErrorCode: 458 }, $"{node} shows {seen}");
            }
    }
}
