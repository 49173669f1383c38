namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// Nodes with no seed list form one cluster by discovery (Akka.Discovery's config method listing every node), serve
/// sessions from every node, take a SIGKILLed node's sessions over, and a node started again finds the running cluster
/// and joins it.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterDiscoverySpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected override bool Bootstrap => true;

    [Fact]
    public async Task Nodes_without_seeds_form_one_cluster_serve_sessions_and_a_restarted_node_joins_it_again()
    {
        // StartAsync waited for every node to see all three Up: one cluster, formed without a seed list.
        var views = await Task.WhenAll(Cluster.Nodes.Select(n => n.ClusterViewAsync()));
        Assert.All(views, view => Assert.Equal(Cluster.Nodes.Select(n => n.Address).Order(), view.Members.Select(m => m.Node).Order()));
        Assert.Single(views.Select(view => view.Leader).Distinct());
        Assert.All(Cluster.Nodes, node => Assert.NotEmpty(Cluster.LogLinesContaining([node], ": joining them, ")));

        var created = await Cluster.CreateRoundRobinAsync(1);
        var hosting = await Cluster.HostingNodesAsync(created.Select(s => s.Key));
        var victim = hosting.Values.First();
        await Cluster.KillAsync(victim);
        await Cluster.WaitForSessionsAsync(sessions => created.All(c => sessions.Any(s =>
                s.Key == c.Key && s.State == "active" && s.JanusSessionId == c.JanusSessionId && s.Node != victim.Address)),
            Patience, "every session active on a survivor");

        await Cluster.RestartAsync(victim);
        await Cluster.WaitUntilAllUpAsync(Patience);
        foreach (var session in created)
            Assert.Equal("ok", await victim.EchoAsync(session.Key, session.HandleId)); // through the node that came back
        AssertCleanLogs();
    }
}
