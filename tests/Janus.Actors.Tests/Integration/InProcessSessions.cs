using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// The library as a backend embeds it: a generic host with <c>AddJanusSessions</c> on a real SQLite file.
/// Start another on the same file to play "the process came back".
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

    public static async Task<InProcessSessions> StartAsync(JanusOptions janus, string journalFile)
    {
        // Qualified: inside Janus.Actors.Tests, "Host" is the namespace of the host-process specs.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddJanusSessions(janus, new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={journalFile}"));
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
