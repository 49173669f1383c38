using Npgsql;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// In a cluster too, an ended session is forgotten after its retention — rows and all — also when the node it ended on
/// dies before then (it stays a remembered entity until forgotten, so a survivor takes it over and forgets it), and a
/// node's death afterwards brings back the live sessions only.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterRetentionSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private const int SessionsPerNodeAndTransport = 2; // 12 sessions
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected override Dictionary<string, string?> Settings => new() { ["Journal:EndedSessionRetention"] = "00:00:03" };

    [Fact]
    public async Task Ended_sessions_are_forgotten_on_every_node_and_across_a_node_SIGKILL()
    {
        var created = await Cluster.CreateRoundRobinAsync(SessionsPerNodeAndTransport);
        var hosting = await Cluster.HostingNodesAsync(created.Select(s => s.Key));
        var victim = hosting.GroupBy(h => h.Value).OrderByDescending(g => g.Count()).First().Key;
        // Destroyed through a node that does not host them: one of each node's sessions, the victim's last one just before its death.
        var endedEarly = created.Where(s => hosting[s.Key] != victim).GroupBy(s => hosting[s.Key]).Select(g => g.First()).ToList();
        var endedAtDeath = created.First(s => hosting[s.Key] == victim);
        var kept = created.Except(endedEarly).Where(s => s != endedAtDeath).ToList();

        foreach (var session in endedEarly) await DestroyAsync(session, hosting[session.Key]);
        await Cluster.WaitForSessionsAsync(sessions => sessions.Count == created.Count - endedEarly.Count, Patience,
            "the sessions destroyed early forgotten");
        Assert.Equal(0, await CountRowsAsync(endedEarly));

        await DestroyAsync(endedAtDeath, hosting[endedAtDeath.Key]);
        await Cluster.KillAsync(victim);
        Output.WriteLine($"{victim} killed right after {endedAtDeath.Key} was destroyed on it");

        var after = await Cluster.WaitForSessionsAsync(sessions => sessions.Count == kept.Count && kept.All(k => sessions.Any(s =>
                s.Key == k.Key && s.State == "active" && s.JanusSessionId == k.JanusSessionId && s.Node != victim.Address)),
            Patience, "the live sessions active on the survivors, the one destroyed at the kill forgotten");
        await Eventually.ReturnsAsync(() => CountRowsAsync([endedAtDeath]), rows => rows == 0, Patience,
            $"{endedAtDeath.Key}'s rows deleted by the survivor that took it over");
        Assert.Equal(kept.Select(s => s.Key).Order(), after.Select(s => s.Key).Order());
        foreach (var session in kept)
            Assert.Equal("ok", await Cluster.RunningNodes.First().EchoAsync(session.Key, session.HandleId));
        using var admin = Cluster.Janus.CreateAdminClient();
        Assert.Equal(kept.Select(s => s.JanusSessionId).Order(), (await admin.ListSessionsAsync()).Order());
        AssertCleanLogs();
    }

    private async Task DestroyAsync(CreatedSession session, ClusterNode host)
    {
        var through = Cluster.RunningNodes.First(n => n != host);
        using var response = await through.Host.Http.DeleteAsync($"v1/sessions/{session.Key}");
        Assert.True(response.IsSuccessStatusCode, $"DELETE {session.Key} through {through} answered {(int)response.StatusCode}");
    }

    private async Task<long> CountRowsAsync(IEnumerable<CreatedSession> sessions)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        long rows = 0;
        foreach (var session in sessions) rows += await connection.CountJournalRowsAsync($"janus-session-{session.Key}");
        return rows;
    }
}
