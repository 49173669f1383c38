using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// The library as a backend embeds it: a generic host with <c>AddJanusSessions</c> on a real journal (a SQLite
/// file or a PostgreSQL database). Start another on the same journal to play "the process came back".
/// </summary>
public sealed class InProcessSessions : IAsyncDisposable
{
    private readonly IHost _host;

    private InProcessSessions(IHost host)
    {
        _host = host;
        Sessions = host.Services.GetRequiredService<IJanusSessions>();
    }

    public IJanusSessions Sessions { get; }

    /// <summary>The application's services: its <c>ActorSystem</c>, the registry as <c>IRequiredActor&lt;IJanusSessions&gt;</c>.</summary>
    public IServiceProvider Services => _host.Services;

    /// <param name="janus">How to reach Janus.</param>
    /// <param name="journalFile">The SQLite journal file.</param>
    /// <param name="logs">Also receives the application's log lines, when given.</param>
    public static Task<InProcessSessions> StartAsync(JanusOptions janus, string journalFile, ILoggerProvider? logs = null) =>
        StartAsync(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journalFile}"), logs);

    public static async Task<InProcessSessions> StartAsync(JanusOptions janus, JanusJournalOptions journal, ILoggerProvider? logs = null)
    {
        // Qualified: inside Janus.Actors.Tests, "Host" is the namespace of the host-process specs.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        if (logs is not null) builder.Logging.AddProvider(logs);
        builder.Services.AddJanusSessions(janus, journal);
        var host = builder.Build();
        await host.StartAsync();
        return new InProcessSessions(host);
    }

    /// <summary>A graceful stop, as on a redeploy: must not destroy any Janus session.</summary>
    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
