using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// Several Janus servers under a cluster: every node knows the same servers, placement on any node counts the sessions
/// every node hosts (their reports, each <c>Janus:ServerProbeInterval</c>), a drain asked of one node holds on all, and
/// the sessions of a SIGKILLed node are reclaimed by the survivors on their own servers.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterServersSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected override int JanusServers => 2;

    [Fact]
    public async Task Placement_weighs_the_whole_cluster_a_drain_holds_on_every_node_and_a_dead_nodes_sessions_stay_on_their_servers()
    {
        var (first, second) = (Cluster.Nodes[0], Cluster.Nodes[1]);
        string j0 = JanusHostSettings.ServerName(0), j1 = JanusHostSettings.ServerName(1);
        for (var i = 0; i < 6; i++)
            Assert.Equal(j0, await CreateAsync(first, $"pinned-{i}", j0));

        // Wherever sharding put them, the other node counts them within a report or two.
        await Eventually.TrueAsync(async () => (await LiveOnAsync(second, j0)) == 6, Patience, $"{second} counting 6 sessions on {j0}");
        for (var i = 0; i < 6; i++)
            Assert.Equal(j1, await CreateAsync(second, $"placed-{i}"));

        using (var drained = await first.Host.PostJsonAsync($"v1/servers/{j1}/drain", "{}"))
            Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        await Eventually.TrueAsync(async () => (await ServerAsync(second, j1)).GetProperty("state").GetString() == "draining",
            Patience, $"{second} seeing {j1} drained");
        Assert.Equal(j0, await CreateAsync(second, "after-drain"));
        using (await first.Host.PostJsonAsync($"v1/servers/{j1}/undrain", "{}")) { }

        var before = await Cluster.ListSessionsAsync();
        var victim = before.GroupBy(s => s.Node).OrderByDescending(g => g.Count()).First().Key;
        Output.WriteLine($"killing {victim}, which hosts {before.Count(s => s.Node == victim)} of {before.Count} sessions");
        await Cluster.KillAsync(Cluster.NodeAt(victim));

        var expected = before.ToDictionary(s => s.Key);
        var after = await Cluster.WaitForSessionsAsync(sessions => sessions.Count == before.Count && sessions.All(s =>
                s.State == "active" && s.Node != victim && s.JanusSessionId == expected[s.Key].JanusSessionId),
            TimeSpan.FromSeconds(90), "every session active on a survivor with its Janus id");
        Assert.All(after, s => Assert.Equal(expected[s.Key].Server, s.Server));
        foreach (var (i, janus) in Cluster.JanusServers.Index())
        {
            using var admin = janus.CreateAdminClient();
            Assert.Equal(after.Where(s => s.Server == JanusHostSettings.ServerName(i)).Select(s => s.JanusSessionId!.Value).Order(),
                (await admin.ListSessionsAsync()).Order());
        }
        AssertCleanLogs();
    }

    private static async Task<string> CreateAsync(ClusterNode node, string key, string? server = null)
    {
        using var created = await node.Host.PostJsonAsync("v1/sessions",
            server is null ? $$"""{"key":"{{key}}"}""" : $$"""{"key":"{{key}}","server":"{{server}}"}""");
        return (await node.Host.ReadJsonAsync(created, HttpStatusCode.Created)).GetProperty("server").GetString()!;
    }

    private static async Task<JsonElement> ServerAsync(ClusterNode node, string server)
    {
        using var response = await node.Host.Http.GetAsync("v1/servers");
        return (await node.Host.ReadJsonAsync(response, HttpStatusCode.OK)).EnumerateArray().Single(s => s.GetProperty("name").GetString() == server);
    }

    private static async Task<long> LiveOnAsync(ClusterNode node, string server) =>
        (await ServerAsync(node, server)).GetProperty("liveSessions").GetInt64();
}
