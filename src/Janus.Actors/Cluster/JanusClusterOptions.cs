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
/// cluster alone; every other node joins through a seed that is up.
/// </param>
public sealed record JanusClusterOptions(string Hostname, int Port, IReadOnlyList<string> Seeds)
{
    /// <summary>For configuration binding (<c>Cluster:Hostname</c>, <c>Cluster:Port</c>, <c>Cluster:Seeds:0</c>, …): nothing set yet.</summary>
    public JanusClusterOptions() : this("", 0, []) { }

    /// <summary>The actor system's name, part of every node address: all nodes of a cluster must share it.</summary>
    public const string SystemName = "janus-actors";

    /// <summary>This node as sessions show it (<see cref="Sessions.JanusSessionInfo.Node"/>): <c>host:port</c>.</summary>
    public string Node => $"{Hostname}:{Port}";

    public override string ToString() => $"cluster node {Node}, seeds {string.Join(' ', Seeds)}";

    /// <summary>What makes these options unusable for <see cref="JanusClusterConfig.ToConfig"/> (port, seeds); empty when nothing does.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Port is < 1 or > 65535) problems.Add("Port must be a TCP port (1-65535)");
        if (Seeds is null || Seeds.Count == 0) problems.Add("Seeds must list the seed nodes as host:port");
        else if (Seeds.FirstOrDefault(seed => !IsSeed(seed)) is { } bad) problems.Add($"Seeds has '{bad}', which is not host:port");
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
