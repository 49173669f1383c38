namespace Janus.Actors.Cluster;

/// <summary>How a cluster node finds the others (<see cref="JanusClusterOptions.Discovery"/>).</summary>
public enum JanusClusterDiscovery
{
    /// <summary>A static list of seed nodes, the same on every node (<see cref="JanusClusterOptions.Seeds"/>).</summary>
    Seeds,

    /// <summary>
    /// Akka.Discovery's config method over a fixed list of the nodes' Akka.Remote endpoints
    /// (<see cref="JanusClusterOptions.ContactPoints"/>): no node is a seed of its own, and a node joins only once
    /// <see cref="JanusClusterOptions.RequiredContactPoints"/> of them are listed.
    /// </summary>
    Config,

    /// <summary>
    /// Akka.Discovery over the Kubernetes API: the nodes are the pods matching
    /// <see cref="JanusClusterOptions.KubernetesPodLabelSelector"/>, each on its container port named <c>remoting</c>. Needs
    /// the package <c>Akka.Discovery.KubernetesApi</c> in the application (the host has it) and a service account that may
    /// list pods (<c>deploy/kubernetes</c>).
    /// </summary>
    Kubernetes,
}
