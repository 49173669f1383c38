using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Janus.Actors.Cluster;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using Janus.Actors.Supervision;
using Janus.Actors.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Janus.Actors.Hosting;

/// <summary>One-call registration of Janus sessions in an ASP.NET / generic-host application.</summary>
public static class JanusSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Akka.NET ActorSystem (journal from <paramref name="journal"/>, Akka logs bridged to
    /// Microsoft.Extensions.Logging), the sessions, and <see cref="IJanusSessions"/>. On a single node (no
    /// <paramref name="cluster"/>) every persisted, not-ended session is recovered and reclaimed at start-up. In a
    /// cluster (PostgreSQL journal) sessions are sharded across the nodes, and those of a node that leaves or dies are
    /// restarted on the others and reclaimed. Invalid <paramref name="janus"/> options throw here (<see cref="JanusOptions.Validate"/>).
    /// </summary>
    public static IServiceCollection AddJanusSessions(this IServiceCollection services, JanusOptions janus, JanusJournalOptions journal,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configure = null, JanusClusterOptions? cluster = null)
    {
        janus.Validate();
        if (cluster is not null && journal.Provider != JanusJournalProvider.PostgreSql)
            throw new ArgumentException("a cluster needs a journal every node can reach: PostgreSQL", nameof(journal));
        if (cluster is not null && journal.Standby)
            throw new ArgumentException("a cluster node is never a standby: the other nodes take its sessions over", nameof(journal));
        // Before the actor system: hosted services start in registration order, and the lease comes before any read.
        services.AddSingleton<JournalLeaseGate>();
        services.AddHostedService(provider => new JournalLeaseService(journal,
            cluster is null ? JanusJournalLeaseMode.Exclusive : JanusJournalLeaseMode.Shared,
            provider.GetRequiredService<JournalLeaseGate>(), provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILogger<JournalLeaseService>>()));
        services.AddAkka(JanusClusterOptions.SystemName, (builder, provider) =>
        {
            var journalConfig = JanusPersistence.ToConfig(journal);
            builder.AddHocon(cluster is null ? journalConfig : JanusClusterConfig.ToConfig(cluster, journalConfig), HoconAddMode.Prepend);
            builder.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = JanusLoggerFactoryLogger.AkkaLogLevelFor(provider.GetService<ILoggerFactory>());
                loggers.ClearLoggers();
                loggers.AddLogger<JanusLoggerFactoryLogger>();
            });
            if (cluster is null)
                builder.WithJanusSessions(janus);
            else
                builder.WithJanusClusterSessions(janus, cluster);
            configure?.Invoke(builder, provider);
        });
        services.AddSingleton<IJanusSessions>(provider => new JanusSessions(
            provider.GetRequiredService<ActorSystem>(),
            provider.GetRequiredService<IRequiredActor<IJanusSessions>>(),
            janus));
        return services;
    }

    /// <summary>
    /// Starts the session supervisor in an ActorSystem configured elsewhere. When the application also registered the
    /// journal lease (<see cref="AddJanusSessions"/> does), the supervisor reads the journal only once the lease is held.
    /// </summary>
    public static AkkaConfigurationBuilder WithJanusSessions(this AkkaConfigurationBuilder builder, JanusOptions janus,
        string? readJournalPluginId = JanusPersistence.ReadJournalPluginId) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var connections = StartConnections(system, janus);
            var supervisor = system.ActorOf(
                JanusSessionSupervisor.Props(janus, JanusTransports.Create(janus, connections), readJournalPluginId,
                    resolver.GetService<JournalLeaseGate>()),
                "janus-sessions");
            registry.Register<IJanusSessions>(supervisor);
        });

    /// <summary>
    /// Starts this node's share of clustered sessions in an ActorSystem configured for a cluster elsewhere
    /// (<see cref="JanusClusterConfig.ToConfig"/>): the session shard region, with remembered entities, and the node's
    /// <see cref="ClusterSessionRegistry"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithJanusClusterSessions(this AkkaConfigurationBuilder builder, JanusOptions janus, JanusClusterOptions cluster) =>
        builder.WithActors((system, registry) =>
        {
            var sessions = system.ActorOf(ClusterSessionRegistry.Props(JanusSessions.AskTimeout(janus)), ClusterSessionRegistry.Name);
            var connections = StartConnections(system, janus);
            var transports = JanusTransports.Create(janus, connections);
            ClusterSharding.Get(system).Start(
                ClusterSessionRegistry.ShardTypeName,
                key => JanusSessionActor.Props(key, janus, sessions, transports, cluster),
                ClusterShardingSettings.Create(system),
                new JanusSessionMessageExtractor(JanusSessionMessageExtractor.DefaultShards));
            registry.Register<IJanusSessions>(sessions);
        });

    /// <summary>The node's shared WebSockets to Janus, when WebSocket sessions are possible; REST sessions need none.</summary>
    private static IActorRef StartConnections(ActorSystem system, JanusOptions janus) =>
        janus.WebSocketUrl is null ? ActorRefs.Nobody : system.ActorOf(JanusConnectionPool.Props(janus), JanusConnectionPool.Name);
}
