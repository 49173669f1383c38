using Akka.Configuration;
using Janus.Actors.Persistence;

namespace Janus.Actors.Cluster;

/// <summary>
/// Akka configuration of a cluster node: <c>hocon/cluster.conf</c> plus this node's address and how it finds the others —
/// seed nodes, or Akka.Discovery (config or Kubernetes API), whose nodes <see cref="DiscoveredSeeds"/> joins.
/// </summary>
public static class JanusClusterConfig
{
    /// <summary>
    /// The node's complete configuration: cluster, sharding and <paramref name="journal"/> (the session journal's, from
    /// <see cref="JanusPersistence.ToConfig"/>). Sharding's own journal plugin is a copy of the session journal's, so
    /// it writes to the same database with its own batching and circuit breaker.
    /// </summary>
    /// <exception cref="ArgumentException">the options have a problem (<see cref="JanusClusterOptions"/>: a port out of range, a seed or contact point that is not <c>host:port</c>, …).</exception>
    /// <exception cref="InvalidOperationException">Kubernetes discovery without the package <c>Akka.Discovery.KubernetesApi</c>.</exception>
    public static Config ToConfig(JanusClusterOptions options, Config journal)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problems() is { Count: > 0 } problems)
            throw new ArgumentException($"Invalid JanusClusterOptions: {string.Join("; ", problems)}", nameof(options));
        var seeds = options.Seeds.Select(seed => HoconString.Quote($"akka.tcp://{JanusClusterOptions.SystemName}@{seed}"));
        var node = ConfigurationFactory.ParseString(
            $"""
             akka.remote.dot-netty.tcp.hostname = {HoconString.Quote(options.Hostname)}
             akka.remote.dot-netty.tcp.port = {options.Port}
             akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]
             {Discovery(options)}
             {ShardingJournal(journal)}
             """);
        var config = node.WithFallback(JanusPersistence.Embedded("cluster.conf")).WithFallback(journal).WithFallback(ShardingJournalDefaults.Value);
        return options.Discovery == JanusClusterDiscovery.Kubernetes ? config.WithFallback(KubernetesDiscoveryDefaults()) : config;
    }

    /// <summary>The name the nodes are discovered under (config discovery's service).</summary>
    internal const string ServiceName = JanusClusterOptions.SystemName;

    /// <summary>The container port the nodes' Akka.Remote listens on, by name (Kubernetes discovery).</summary>
    internal const string RemotingPortName = "remoting";

    /// <summary>Discovery's method and settings: the nodes' endpoints as a list (config), or the pods the Kubernetes API lists.</summary>
    private static string Discovery(JanusClusterOptions options) => options.Discovery switch
    {
        JanusClusterDiscovery.Config => $"""
                                         akka.discovery.method = config
                                         akka.discovery.config.services.{ServiceName}.endpoints = [{string.Join(", ", options.ContactPoints.Select(HoconString.Quote))}]
                                         """,
        JanusClusterDiscovery.Kubernetes => $"""
                                             akka.discovery.method = kubernetes-api
                                             akka.discovery.kubernetes-api.class = "Akka.Discovery.KubernetesApi.KubernetesApiServiceDiscovery, Akka.Discovery.KubernetesApi"
                                             akka.discovery.kubernetes-api.pod-label-selector = {HoconString.Quote(options.KubernetesPodLabelSelector)}
                                             """,
        _ => "",
    };

    /// <summary>Akka.Discovery.KubernetesApi's reference configuration, read from the package the application brings.</summary>
    private static Config KubernetesDiscoveryDefaults()
    {
        const string type = "Akka.Discovery.KubernetesApi.KubernetesDiscovery, Akka.Discovery.KubernetesApi";
        var discovery = Type.GetType(type)
                        ?? throw new InvalidOperationException("Kubernetes discovery needs the package Akka.Discovery.KubernetesApi in the application");
        return (Config)discovery.GetMethod("DefaultConfiguration")!.Invoke(null, null)!;
    }

    /// <summary>The session journal's own settings (class, database, tables, batching), repeated for sharding's plugin.</summary>
    private static string ShardingJournal(Config journal)
    {
        // The class too: the remember-entities stores of a dead node's shards recover together on their new node, and the
        // session journal reads such recoveries in one query. One writer per shard store (sharding), so no replay filter.
        string[] keys = ["class", "connection-string", "provider-name", "table-mapping", "auto-initialize", "parallelism",
            "replay-filter.mode", "recovery-coalesce-window", "recovery-coalesce-max"];
        return string.Join('\n', keys
            .Where(key => journal.HasPath(SessionJournal + "." + key))
            .Select(key => $"{ShardingJournalPath}.{key} = {HoconString.Quote(journal.GetString(SessionJournal + "." + key))}"));
    }

    private const string SessionJournal = "akka.persistence.journal.sql";
    private const string ShardingJournalPath = "akka.persistence.journal.sharding";

    /// <summary>
    /// Akka.Persistence.Sql's defaults for a journal plugin, under sharding's plugin id as well. A plugin reads only its
    /// own path (and Akka's plugin fallback), and HOCON substitutions resolve within one document: hence the plugin's
    /// reference configuration parsed again with the substitution appended.
    /// </summary>
    private static readonly Lazy<Config> ShardingJournalDefaults = new(() =>
    {
        var assembly = typeof(Akka.Persistence.Sql.SqlPersistence).Assembly;
        using var stream = assembly.GetManifestResourceStream("Akka.Persistence.Sql.persistence.conf")
                           ?? throw new InvalidOperationException("Akka.Persistence.Sql.persistence.conf is missing from Akka.Persistence.Sql");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd() + $"\n{ShardingJournalPath} = ${{{SessionJournal}}}\n");
    });

}
