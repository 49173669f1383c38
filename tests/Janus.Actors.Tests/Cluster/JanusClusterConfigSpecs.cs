using Janus.Actors.Cluster;

namespace Janus.Actors.Tests.Cluster;

/// <summary>What a node's configuration must say for sessions to survive the loss of a node.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusClusterConfigSpecs
{
    private const string ConnectionString = "Host=127.0.0.1;Port=5432;Username=janus;Password=secret;Database=janus";

    private static readonly Akka.Configuration.Config Config = JanusClusterConfig.ToConfig(
        new JanusClusterOptions("10.0.0.7", 4053, ["10.0.0.5:4053", "10.0.0.6:4053"]),
        JanusPersistence.ToConfig(new JanusJournalOptions(JanusJournalProvider.PostgreSql, ConnectionString)));

    [Fact]
    public void Node_address_and_seeds_are_the_configured_ones()
    {
        Assert.Equal("cluster", Config.GetString("akka.actor.provider"));
        Assert.Equal("10.0.0.7", Config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, Config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["akka.tcp://janus-actors@10.0.0.5:4053", "akka.tcp://janus-actors@10.0.0.6:4053"], Config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void Sessions_are_remembered_in_the_journal_and_never_passivated_for_idleness()
    {
        Assert.True(Config.GetBoolean("akka.cluster.sharding.remember-entities"));
        Assert.Equal("eventsourced", Config.GetString("akka.cluster.sharding.remember-entities-store"));
        Assert.Equal("ddata", Config.GetString("akka.cluster.sharding.state-store-mode"));
        Assert.Equal("off", Config.GetString("akka.cluster.sharding.passivate-idle-entity-after"));
    }

    [Fact]
    public void A_dead_node_is_downed_by_keep_majority_within_seconds()
    {
        Assert.Contains("SplitBrainResolverProvider", Config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", Config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.InRange(Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Sharding_journal_is_its_own_plugin_on_the_session_journal_database()
    {
        var pluginId = Config.GetString("akka.cluster.sharding.journal-plugin-id");
        Assert.NotEqual("akka.persistence.journal.sql", pluginId);
        // The session journal for both: it reads recoveries that arrive together (a take-over) in one query.
        Assert.Equal(typeof(JanusSessionJournal), Type.GetType(Config.GetString("akka.persistence.journal.sql.class")));
        Assert.Equal(typeof(JanusSessionJournal), Type.GetType(Config.GetString(pluginId + ".class")));
        Assert.Equal("off", Config.GetString(pluginId + ".replay-filter.mode"));
        Assert.Equal(ConnectionString, Config.GetString(pluginId + ".connection-string"));
        Assert.Equal(ConnectionString, Config.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Equal("PostgreSQL.15", Config.GetString(pluginId + ".provider-name"));
        Assert.True(Config.GetBoolean(pluginId + ".auto-initialize"));
        // The plugin's own defaults are there too (a plugin reads only its own path).
        Assert.Equal(Config.GetString("akka.persistence.journal.sql.table-mapping"), Config.GetString(pluginId + ".table-mapping"));
        Assert.Equal(Config.GetInt("akka.persistence.journal.sql.batch-size"), Config.GetInt(pluginId + ".batch-size"));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("10.0.0.5:x")]
    [InlineData(":4053")]
    public void Seed_that_is_not_host_and_port_is_refused(string seed) =>
        Assert.Throws<ArgumentException>(() => JanusClusterConfig.ToConfig(new JanusClusterOptions("10.0.0.7", 4053, [seed]),
            JanusPersistence.ToConfig(new JanusJournalOptions(JanusJournalProvider.PostgreSql, ConnectionString))));

    private static Akka.Configuration.Config Bootstrapping(JanusClusterOptions options) =>
        JanusClusterConfig.ToConfig(options, JanusPersistence.ToConfig(new JanusJournalOptions(JanusJournalProvider.PostgreSql, ConnectionString)));

    [Fact]
    public void Config_discovery_lists_the_nodes_and_names_no_seed()
    {
        var config = Bootstrapping(new JanusClusterOptions("10.0.0.7", 4053, [])
        {
            Discovery = JanusClusterDiscovery.Config, RequiredContactPoints = 3, ContactPoints = ["10.0.0.5:4053", "10.0.0.6:4053", "10.0.0.7:4053"],
        });

        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("config", config.GetString("akka.discovery.method"));
        Assert.Equal(["10.0.0.5:4053", "10.0.0.6:4053", "10.0.0.7:4053"], config.GetStringList("akka.discovery.config.services.janus-actors.endpoints"));
    }

    [Fact]
    public void Kubernetes_discovery_lists_the_labelled_pods_with_the_packages_own_defaults()
    {
        var config = Bootstrapping(new JanusClusterOptions("10.0.0.7", 4053, []) { Discovery = JanusClusterDiscovery.Kubernetes, KubernetesPodLabelSelector = "app=calls" });

        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("kubernetes-api", config.GetString("akka.discovery.method"));
        Assert.Equal("app=calls", config.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        Assert.NotNull(Type.GetType(config.GetString("akka.discovery.kubernetes-api.class"))); // the host's package, which the tests carry too
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/token", config.GetString("akka.discovery.kubernetes-api.api-token-path"));
    }

    public static TheoryData<JanusClusterOptions, string> BadDiscovery => new()
    {
        { new JanusClusterOptions("10.0.0.7", 4053, ["10.0.0.5:4053"]) { Discovery = JanusClusterDiscovery.Kubernetes }, "Seeds must be empty" },
        { new JanusClusterOptions("10.0.0.7", 4053, []) { Discovery = JanusClusterDiscovery.Config }, "ContactPoints must list" },
        { new JanusClusterOptions("10.0.0.7", 4053, []) { Discovery = JanusClusterDiscovery.Config, ContactPoints = ["10.0.0.5"] }, "ContactPoints has '10.0.0.5'" },
        { new JanusClusterOptions("10.0.0.7", 4053, []) { Discovery = JanusClusterDiscovery.Kubernetes, RequiredContactPoints = 0 }, "RequiredContactPoints must be" },
    };

    [Theory]
    [MemberData(nameof(BadDiscovery))]
    public void Discovery_settings_that_cannot_work_are_refused_naming_the_setting(JanusClusterOptions options, string problem) =>
        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => Bootstrapping(options)).Message);
}
