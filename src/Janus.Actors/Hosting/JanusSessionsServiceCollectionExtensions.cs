using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Janus.Actors.Cluster;
using Janus.Actors.Persistence;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using Janus.Actors.Registry;
using Janus.Actors.Transports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Hosting;

/// <summary>
/// Registration of Janus sessions in an ASP.NET / generic-host application: <c>AddJanusSessions</c> registers everything,
/// the ActorSystem included; an application that calls Akka.Hosting's <c>AddAkka</c> itself uses
/// <see cref="AddJanusSessionServices(IServiceCollection, IConfiguration)"/> and, inside its <c>AddAkka</c>,
/// <see cref="WithJanusSessions(AkkaConfigurationBuilder, IServiceProvider)"/>.
/// </summary>
public static class JanusSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Akka.NET ActorSystem (the journal, Akka logs bridged to Microsoft.Extensions.Logging), the sessions
    /// and <see cref="IJanusSessions"/>, with <see cref="JanusSessionsOptions"/> bound from <paramref name="configuration"/>
    /// (e.g. <c>builder.Configuration.GetSection("JanusSessions")</c>) and validated when the application starts. On a
    /// single node every persisted, not-ended session is recovered and reclaimed at start-up; in a cluster (options with
    /// <see cref="JanusSessionsOptions.Cluster"/>, PostgreSQL journal) sessions are sharded across the nodes, and those of a
    /// node that leaves or dies are restarted on the others and reclaimed.
    /// To configure more of the ActorSystem (HOCON, your own actors), register <see cref="AddJanusSessionServices(IServiceCollection, IConfiguration)"/>
    /// and call <c>AddAkka</c> yourself.
    /// </summary>
    public static IServiceCollection AddJanusSessions(this IServiceCollection services, IConfiguration configuration) =>
        services.AddJanusSessionServices(configuration).AddJanusActorSystem(null);

    /// <summary>As <see cref="AddJanusSessions(IServiceCollection, IConfiguration)"/>, with the options set in code.</summary>
    public static IServiceCollection AddJanusSessions(this IServiceCollection services, Action<JanusSessionsOptions> configure) =>
        services.AddJanusSessionServices(configure).AddJanusActorSystem(null);

    /// <summary>
    /// As <see cref="AddJanusSessions(IServiceCollection, Action{JanusSessionsOptions})"/> with ready-made options, which
    /// are checked here: invalid ones throw an <see cref="ArgumentException"/> naming every
    /// problem (<see cref="JanusOptions.Validate"/>, <see cref="JanusSessionsOptions.Problems"/>).
    /// </summary>
    public static IServiceCollection AddJanusSessions(this IServiceCollection services, JanusOptions janus, JanusJournalOptions journal,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configure = null, JanusClusterOptions? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(janus);
        ArgumentNullException.ThrowIfNull(journal);
        janus.Validate();
        var options = new JanusSessionsOptions { Janus = janus, Journal = journal, Cluster = cluster };
        if (options.Problems() is { Count: > 0 } problems)
            throw new ArgumentException($"Invalid JanusSessionsOptions: {string.Join("; ", problems)}");
        return services.AddJanusSessionServices(set =>
        {
            set.Janus = janus;
            set.Journal = journal;
            set.Cluster = cluster;
        }).AddJanusActorSystem(configure);
    }

    /// <summary>
    /// For an application that calls Akka.Hosting's <c>AddAkka</c> itself: registers <see cref="JanusSessionsOptions"/>
    /// bound from <paramref name="configuration"/> (validated when the application starts), the journal lease and
    /// <see cref="IJanusSessions"/>, but no ActorSystem. Call <see cref="WithJanusSessions(AkkaConfigurationBuilder, IServiceProvider)"/>
    /// inside that <c>AddAkka</c>; in a cluster, name the ActorSystem <see cref="JanusClusterOptions.SystemName"/>.
    /// </summary>
    public static IServiceCollection AddJanusSessionServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IValidateOptions<JanusSessionsOptions>>(new JanusServersSectionValidator(configuration));
        return services.AddJanusSessionServices(options => options.Bind(configuration));
    }

    /// <summary>As <see cref="AddJanusSessionServices(IServiceCollection, IConfiguration)"/>, with the options set in code.</summary>
    public static IServiceCollection AddJanusSessionServices(this IServiceCollection services, Action<JanusSessionsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddJanusSessionServices(options => options.Configure(configure));
    }

    /// <summary>
    /// Inside an <c>AddAkka</c> of an application that registered <see cref="AddJanusSessionServices(IServiceCollection, IConfiguration)"/>:
    /// the journal's configuration and the sessions, on a single node or as this node's share of a cluster.
    /// </summary>
    public static AkkaConfigurationBuilder WithJanusSessions(this AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var options = OptionsIn(provider);
        var journal = JanusPersistence.ToConfig(options.Journal);
        builder.AddHocon(options.Cluster is null ? journal : JanusClusterConfig.ToConfig(options.Cluster, journal), HoconAddMode.Prepend);
        return options.Cluster is null
            ? builder.WithJanusSessions(options.Janus)
            : builder.WithJanusClusterSessions(options.Janus, options.Cluster);
    }

    /// <summary>
    /// Starts the session registry in an ActorSystem configured elsewhere. When the application also registered the
    /// journal lease (<see cref="AddJanusSessionServices(IServiceCollection, IConfiguration)"/> does), the registry
    /// reads the journal only once the lease is held.
    /// </summary>
    public static AkkaConfigurationBuilder WithJanusSessions(this AkkaConfigurationBuilder builder, JanusOptions janus,
        string? readJournalPluginId = JanusPersistence.ReadJournalPluginId) =>
        builder.WithActors((system, registry, resolver) =>
        {
            janus = WithJournalSettings(janus, system);
            var sessions = system.ActorOf(
                JanusSessionRegistry.Props(janus, JanusServers.Start(system, janus), readJournalPluginId,
                    resolver.GetService<JournalLeaseGate>(), resolver.GetService<IJanusServerSelector>()),
                JanusSessionRegistry.Name);
            registry.Register<IJanusSessions>(sessions);
        });

    /// <summary>
    /// Starts this node's share of clustered sessions in an ActorSystem configured for a cluster elsewhere
    /// (<see cref="JanusClusterConfig.ToConfig"/>): the session shard region, with remembered entities, and the node's
    /// registry of sessions.
    /// </summary>
    public static AkkaConfigurationBuilder WithJanusClusterSessions(this AkkaConfigurationBuilder builder, JanusOptions janus, JanusClusterOptions cluster) =>
        builder.WithActors((system, registry, resolver) =>
        {
            if (system.Name != JanusClusterOptions.SystemName)
                throw new InvalidOperationException(
                    $"A cluster node's ActorSystem must be named '{JanusClusterOptions.SystemName}' (JanusClusterOptions.SystemName), not '{system.Name}': the seed addresses name it");
            janus = WithJournalSettings(janus, system);
            var servers = JanusServers.Start(system, janus);
            var fencing = new NodeFencing(system);
            servers.ClaimRefusal = fencing.Refusal;
            var sessions = system.ActorOf(ClusterSessionTopology.RegistryProps(janus, servers, fencing, resolver.GetService<IJanusServerSelector>()),
                JanusSessionRegistry.Name);
            ClusterSharding.Get(system).Start(
                ClusterSessionTopology.ShardTypeName,
                key => JanusSessionActor.Props(key, janus, sessions, servers, cluster.Node),
                ClusterShardingSettings.Create(system),
                new JanusSessionMessageExtractor(JanusSessionMessageExtractor.DefaultShards));
            if (cluster.Discovery != JanusClusterDiscovery.Seeds)
                system.ActorOf(DiscoveredSeeds.Props(cluster), DiscoveredSeeds.Name);
            registry.Register<IJanusSessions>(sessions);
        });

    /// <summary>What the sessions take from the journal's configuration (<see cref="JanusPersistence.ToConfig"/>): how long ended ones stay, and its name.</summary>
    private static JanusOptions WithJournalSettings(JanusOptions janus, ActorSystem system) =>
        janus with
        {
            EndedSessionRetention = JanusPersistence.EndedSessionRetention(system.Settings.Config),
            Journal = JanusPersistence.JournalName(system.Settings.Config),
        };

    private static IServiceCollection AddJanusSessionServices(this IServiceCollection services, Action<OptionsBuilder<JanusSessionsOptions>> set)
    {
        set(services.AddOptions<JanusSessionsOptions>().ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JanusSessionsOptions>, JanusSessionsOptionsValidator>());
        // Before the actor system when registered first: hosted services start in registration order, and the lease comes
        // before any read. Registered after it, the registry still waits for the lease (the gate) before reading.
        services.TryAddSingleton<JournalLeaseGate>();
        services.AddHostedService(provider =>
        {
            var options = OptionsIn(provider);
            return new JournalLeaseService(options.Journal,
                options.Cluster is null ? JanusJournalLeaseMode.Exclusive : JanusJournalLeaseMode.Shared,
                provider.GetRequiredService<JournalLeaseGate>(), provider.GetRequiredService<IHostApplicationLifetime>(),
                provider.GetRequiredService<ILogger<JournalLeaseService>>());
        });
        services.TryAddSingleton<IJanusSessions>(provider => new JanusSessions(
            provider.GetRequiredService<ActorSystem>(),
            provider.GetRequiredService<IRequiredActor<IJanusSessions>>(),
            OptionsIn(provider).Janus));
        return services;
    }

    private static IServiceCollection AddJanusActorSystem(this IServiceCollection services, Action<AkkaConfigurationBuilder, IServiceProvider>? configure) =>
        services.AddAkka(JanusClusterOptions.SystemName, (builder, provider) =>
        {
            builder.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = JanusLoggerFactoryLogger.AkkaLogLevelFor(provider.GetService<ILoggerFactory>());
                loggers.ClearLoggers();
                loggers.AddLogger<JanusLoggerFactoryLogger>();
            });
            builder.WithJanusSessions(provider);
            configure?.Invoke(builder, provider);
        });

    /// <summary>The validated options: resolving them throws <see cref="OptionsValidationException"/> naming every problem.</summary>
    private static JanusSessionsOptions OptionsIn(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<JanusSessionsOptions>>().Value;
}
