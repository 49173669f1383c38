namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// The cluster's promise with real parts: three host processes share one PostgreSQL journal and one Janus; the node
/// holding the most sessions is killed with SIGKILL, and every one of its sessions comes back active on a survivor
/// with its Janus id, without a second incarnation anywhere, well inside Janus's reclaim window.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterFailoverSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private const int SessionsPerNodeAndTransport = 5; // 3 nodes × 2 transports × 5 = 30 sessions

    /// <summary>Generous: detection, downing (stable-after), hand-over, journal recovery and claim. Janus would drop the sessions at ~45 s.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(45);


    [Fact]
    public async Task Every_session_of_a_SIGKILLed_node_is_reclaimed_once_on_a_survivor()
    {
        var created = await Cluster.CreateRoundRobinAsync(SessionsPerNodeAndTransport);
        Assert.Equal(Nodes * 2 * SessionsPerNodeAndTransport, created.Count);
        var hosting = await Cluster.HostingNodesAsync(created.Select(s => s.Key));
        var victim = hosting.GroupBy(h => h.Value).OrderByDescending(g => g.Count()).First().Key;
        var orphans = created.Where(s => hosting[s.Key] == victim).ToList();
        var survivors = Cluster.Nodes.Where(n => n != victim).ToList();
        Output.WriteLine($"killing {victim}, which hosts {orphans.Count} sessions " +
                         $"({orphans.Count(s => s.Transport == "websocket")} websocket, {orphans.Count(s => s.Transport == "rest")} rest)");

        var killedAt = Stopwatch.GetTimestamp();
        await Cluster.KillAsync(victim);
        using var stopWatching = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var downing = FailoverWatch.WatchAsync(victim, survivors, killedAt, TimeSpan.FromMilliseconds(100), stopWatching.Token);

        var expected = created.ToDictionary(s => s.Key);
        var orphanKeys = orphans.Select(s => s.Key).ToHashSet();
        var recovered = await Cluster.WaitForSessionsAsync(sessions =>
        {
            AssertNoneEnded(sessions);
            return sessions.Count == created.Count
                   && sessions.All(s => s.State == "active" && s.JanusSessionId == expected[s.Key].JanusSessionId)
                   && sessions.Where(s => orphanKeys.Contains(s.Key)).All(s => s.Node != victim.Address && s.Reclaims >= 1);
        }, 2 * FailoverBound, "every session of the killed node active on a survivor with its Janus id");
        var failover = Stopwatch.GetElapsedTime(killedAt);
        var allActiveAt = DateTime.UtcNow;
        var downingTimes = await downing;
        Output.WriteLine($"all {orphans.Count} sessions of {victim.Address} active on survivors {failover.TotalMilliseconds:0} ms after SIGKILL; {downingTimes}");
        Output.WriteLine("now hosted: " + string.Join(", ", recovered.Where(s => orphanKeys.Contains(s.Key)).GroupBy(s => s.Node).Select(g => $"{g.Key} {g.Count()}")));
        Assert.True(failover < FailoverBound, $"failover took {failover.TotalSeconds:0.0} s, more than {FailoverBound.TotalSeconds} s; {downingTimes}");

        // A survivor that does not host a session answers for it (the request and reply cross nodes), with the same
        // Janus id and handle.
        var hostedOn = recovered.ToDictionary(s => s.Key, s => s.Node);
        ClusterNode NotHosting(string key) => survivors.First(n => n.Address != hostedOn[key]);
        foreach (var session in created)
        {
            var seen = await NotHosting(session.Key).GetSessionAsync(session.Key);
            Assert.Equal(("active", session.JanusSessionId), (seen.State, seen.JanusSessionId!.Value));
            Assert.Equal([session.HandleId], seen.HandleIds);
            Assert.Contains(seen.Node, survivors.Select(n => n.Address));
        }

        // Beyond session_timeout (plus Janus's timer slack) after the take-over: only keep-alives from the new owners
        // with the right ids keep the sessions; and Janus never got a session more than those created.
        using var admin = Cluster.Janus.CreateAdminClient();
        var createdIds = created.Select(s => s.JanusSessionId).ToHashSet();
        var watchUntil = allActiveAt.AddSeconds(Cluster.Janus.Options.SessionTimeoutSeconds + 5);
        while (true)
        {
            var inJanus = (await admin.ListSessionsAsync()).ToHashSet();
            var missing = created.Where(s => !inJanus.Contains(s.JanusSessionId)).Select(s => s.Key).ToList();
            Assert.True(missing.Count == 0, $"Janus dropped {string.Join(", ", missing)}.\n{Cluster.LogTails()}");
            Assert.True(inJanus.SetEquals(createdIds), $"Janus holds {inJanus.Count} sessions, {created.Count} were created: extra ids {string.Join(", ", inJanus.Except(createdIds))}");
            if (DateTime.UtcNow > watchUntil)
                break;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        foreach (var session in created)
            Assert.Equal("ok", await NotHosting(session.Key).EchoAsync(session.Key, session.HandleId));

        var final = await Cluster.ListSessionsAsync();
        Assert.Equal(created.Count, final.Count(s => s.State == "active"));

        // One incarnation per session: no journal write conflicts, and each orphan was claimed exactly once.
        AssertCleanLogs();
        foreach (var orphan in orphans)
        {
            var claims = Cluster.LogLinesContaining(survivors, $"Reclaimed Janus session for {orphan.Key} ");
            Assert.True(claims.Count == 1, $"{orphan.Key} was reclaimed {claims.Count} times on the survivors:\n{string.Join('\n', claims)}");
        }
    }

    private static void AssertNoneEnded(IReadOnlyList<SessionView> sessions)
    {
        var ended = sessions.Where(s => s.State is "lost" or "destroyed").ToList();
        Assert.True(ended.Count == 0, "sessions ended during the failover: " + string.Join("; ", ended));
    }
}
