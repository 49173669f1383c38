using Akka.Actor;
using Akka.Hosting;
using Janus.Actors.Persistence;
using Janus.Actors.Supervision;
using Janus.Actors.Transports;
using Microsoft.Extensions.DependencyInjection;

namespace Janus.Actors.Hosting;

/// <summary>One-call registration of Janus sessions in an ASP.NET / generic-host application.</summary>
public static class JanusSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Akka.NET ActorSystem (journal from <paramref name="journal"/>, Akka logs bridged to
    /// Microsoft.Extensions.Logging), the session supervisor, and <see cref="IJanusSessions"/>. At start-up every
    /// persisted, not-ended session is recovered and reclaimed on its own.
    /// </summary>
    public static IServiceCollection AddJanusSessions(this IServiceCollection services, JanusOptions janus, JanusJournalOptions journal,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configure = null)
    {
        services.AddAkka("janus-actors", (builder, provider) =>
        {
            builder.AddHocon(JanusPersistence.ToConfig(journal), HoconAddMode.Prepend);
            builder.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            builder.WithJanusSessions(janus);
            configure?.Invoke(builder, provider);
        });
        services.AddSingleton<IJanusSessions>(provider => new JanusSessions(
            provider.GetRequiredService<ActorSystem>(),
            provider.GetRequiredService<IRequiredActor<JanusSessionSupervisor>>(),
            janus));
        return services;
    }

    /// <summary>Starts the session supervisor in an ActorSystem configured elsewhere.</summary>
    public static AkkaConfigurationBuilder WithJanusSessions(this AkkaConfigurationBuilder builder, JanusOptions janus,
        string? readJournalPluginId = JanusPersistence.ReadJournalPluginId) =>
        builder.WithActors((system, registry) =>
        {
            var supervisor = system.ActorOf(
                JanusSessionSupervisor.Props(janus, kind => JanusTransportProps.Create(kind, janus), readJournalPluginId),
                "janus-sessions");
            registry.Register<JanusSessionSupervisor>(supervisor);
        });
}
