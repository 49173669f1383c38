namespace Janus.Actors.Cluster;

/// <summary>
/// This node's place in an Akka.NET cluster of hosts sharing one PostgreSQL journal. Sessions are then sharded
/// entities: any node answers for any session, and the sessions of a node that dies are restarted on the others and
/// reclaimed from Janus.
/// </summary>
/// <param name="Hostname">Address the other nodes reach this one at (Akka.Remote binds it too), e.g. <c>127.0.0.1</c>.</param>
/// <param name="Port">Akka.Remote TCP port of this node.</param>
/// <param name="Seeds">
/// Seed nodes as <c>host:port</c>; the same list on every node. A node that is its own first seed may start the
/// cluster alone; every other node joins through a seed that is up. Empty when the nodes find each other by
/// <see cref="Discovery"/>.
/// </param>
public sealed record JanusClusterOptions(string Hostname, int Port, IReadOnlyList<string> Seeds)
{
    /// <summary>For configuration binding (<c>Cluster:Hostname</c>, <c>Cluster:Port</c>, <c>Cluster:Seeds:0</c>, …): nothing set yet.</summary>
    public JanusClusterOptions() : this("", 0, []) { }

    /// <summary>The actor system's name, part of every node address: all nodes of a cluster must share it.</summary>
    public const string SystemName = "janus-actors";

    /// <summary>This node as sessions show it (<see cref="Sessions.JanusSessionInfo.Node"/>): <c>host:port</c>.</summary>
    public string Node => $"{Hostname}:{Port}";

    /// <summary>How this node finds the others: <see cref="JanusClusterDiscovery.Seeds"/> (default), or by Akka.Discovery.</summary>
    public JanusClusterDiscovery Discovery { get; init; } = JanusClusterDiscovery.Seeds;

    /// <summary>
    /// With discovery: how many nodes (this one included) discovery must find, the same set twice in a row, before this node
    /// joins them, the lowest address first (<see cref="DiscoveredSeeds"/>). Default 2; set it to the node count of the
    /// first deployment so that a partial start never forms two clusters.
    /// </summary>
    public int RequiredContactPoints { get; init; } = 2;

    /// <summary>With <see cref="JanusClusterDiscovery.Config"/>: every node's Akka.Remote endpoint as <c>host:port</c>, the same list on every node.</summary>
    public IReadOnlyList<string> ContactPoints { get; init; } = [];

    /// <summary>With <see cref="JanusClusterDiscovery.Kubernetes"/>: the label selector of the cluster's pods. Default <c>app=janus-actors</c>.</summary>
    public string KubernetesPodLabelSelector { get; init; } = "app=janus-actors";

    public override string ToString() => Discovery switch
    {
        JanusClusterDiscovery.Config => $"cluster node {Node}, discovering the nodes {string.Join(' ', ContactPoints)}",
        JanusClusterDiscovery.Kubernetes => $"cluster node {Node}, discovering the Kubernetes pods {KubernetesPodLabelSelector}",
        _ => $"cluster node {Node}, seeds {string.Join(' ', Seeds)}",
    };

    /// <summary>What makes these options unusable for <see cref="JanusClusterConfig.ToConfig"/>; empty when nothing does.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Port is < 1 or > 65535) problems.Add("Port must be a TCP port (1-65535)");
        if (!Enum.IsDefined(Discovery)) problems.Add("Discovery must be Seeds, Config or Kubernetes");
        else if (Discovery == JanusClusterDiscovery.Seeds)
        {
            if (Seeds is null || Seeds.Count == 0) problems.Add("Seeds must list the seed nodes as host:port");
            else if (Seeds.FirstOrDefault(seed => !IsSeed(seed)) is { } bad) problems.Add($"Seeds has '{bad}', which is not host:port");
        }
        else
        {
            if (Seeds is { Count: > 0 }) problems.Add($"Seeds must be empty with Discovery {Discovery}: the nodes find each other by discovery");
            if (RequiredContactPoints < 1) problems.Add("RequiredContactPoints must be 1 or more");
            if (Discovery == JanusClusterDiscovery.Config)
            {
                if (ContactPoints is null || ContactPoints.Count == 0) problems.Add("ContactPoints must list every node's Akka.Remote endpoint as host:port");
                else if (ContactPoints.FirstOrDefault(point => !IsSeed(point)) is { } bad) problems.Add($"ContactPoints has '{bad}', which is not host:port");
            }
            if (Discovery == JanusClusterDiscovery.Kubernetes && string.IsNullOrWhiteSpace(KubernetesPodLabelSelector))
                problems.Add("KubernetesPodLabelSelector must select the cluster's pods, e.g. app=janus-actors");
        }
        return problems;
    }

    /// <summary>True when <paramref name="seed"/> is <c>host:port</c>: a host name or IP address and a TCP port (1-65535).</summary>
    public static bool IsSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        return colon > 0
               && Uri.CheckHostName(seed[..colon]) != UriHostNameType.Unknown
               && int.TryParse(seed[(colon + 1)..], out var port) && port is >= 1 and <= 65535;
    }
}
