namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// Nodes with no seed list form one cluster by discovery: every node sees all of them Up under one leader, each having
/// logged the nodes it found and joined.
/// </summary>
public abstract class ClusterDiscoverySpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>StartAsync waited for every node to see all of them Up: one cluster, formed without a seed list.</summary>
    protected async Task AssertOneClusterFormedByDiscoveryAsync()
    {
        var views = await Task.WhenAll(Cluster.Nodes.Select(n => n.ClusterViewAsync()));
        Assert.All(views, view => Assert.Equal(Cluster.Nodes.Select(n => n.Address).Order(), view.Members.Select(m => m.Node).Order()));
        Assert.Single(views.Select(view => view.Leader).Distinct());
        Assert.All(Cluster.Nodes, node => Assert.NotEmpty(Cluster.LogLinesContaining([node], ": joining them, ")));
    }
}

/// <summary>Config discovery: every node lists every node's Akka.Remote endpoint.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ConfigClusterDiscoverySpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterDiscoverySpecs(postgres, output)
{
    protected override NodeDiscovery Discovery => NodeDiscovery.Config;

    [Fact]
    public async Task Nodes_listing_each_other_form_one_cluster_without_seeds()
    {
        await AssertOneClusterFormedByDiscoveryAsync();
        var created = await Cluster.CreateRoundRobinAsync(1);
        foreach (var session in created)
            Assert.Equal("ok", await Cluster.Nodes.Last().EchoAsync(session.Key, session.HandleId));
        AssertCleanLogs();
    }
}

/// <summary>
/// Kubernetes API discovery against a Kubernetes API that lists the nodes as pods (TLS, the service account's token and
/// CA file, one namespace, the label selector): the cluster forms, serves sessions, takes a SIGKILLed node's sessions
/// over, and the node started again finds the running cluster and joins it.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class KubernetesClusterDiscoverySpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterDiscoverySpecs(postgres, output)
{
    protected override NodeDiscovery Discovery => NodeDiscovery.Kubernetes;

    [Fact]
    public async Task Pods_listed_by_the_Kubernetes_API_form_one_cluster_survive_a_SIGKILL_and_take_the_node_back()
    {
        await AssertOneClusterFormedByDiscoveryAsync();
        var api = Cluster.KubernetesApi!;
        Assert.True(api.Listed >= Cluster.Nodes.Count, $"the API listed the pods {api.Listed} times");
        Assert.Equal(0, api.Refused); // every node sent the service account's token, for its namespace and label selector

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
