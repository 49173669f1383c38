using Janus.Actors.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Janus.Actors.Tests.Hosting;

/// <summary>
/// The library's health checks in an application of its own (not the host): registered with a tag, they say whether the
/// journal, Janus and the sessions can serve, with reasons an operator can act on and no secret.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JanusHealthChecksSpecs : IAsyncLifetime
{
    private readonly JanusServer _janus = new();
    private readonly TestJournal _journal = new();
    private IHost _app = null!;

    public async Task InitializeAsync()
    {
        await _janus.StartAsync();
        _app = await StartAppAsync(new JanusOptions { WebSocketUrl = _janus.WebSocketUrl, ApiSecret = "not-shown" });
    }

    private async Task<IHost> StartAppAsync(JanusOptions janus)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddJanusSessions(options =>
        {
            options.Janus = janus;
            options.Journal = new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={_journal.File}");
        });
        builder.Services.AddHealthChecks().AddJanusSessionChecks("ready");
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        _app.Dispose();
        await _janus.DisposeAsync();
        _journal.Dispose();
    }

    private Task<HealthReport> ReadinessAsync() => ReadinessAsync(_app);

    private static Task<HealthReport> ReadinessAsync(IHost app) =>
        app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));

    [Fact]
    public async Task With_the_journal_Janus_and_every_session_registered_all_three_are_healthy()
    {
        var report = await Eventually.ReturnsAsync(ReadinessAsync, r => r.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(15), "ready");

        Assert.Equal([JanusHealthChecks.Journal, JanusHealthChecks.Server, JanusHealthChecks.Sessions], report.Entries.Keys.Order());
        var server = report.Entries[JanusHealthChecks.Server].Data;
        Assert.Equal("1.1.2", server[JanusHealthChecks.VersionKey]);
        Assert.Equal(_janus.Options.SessionTimeoutSeconds, server[JanusHealthChecks.SessionTimeoutKey]);
        Assert.Equal(_janus.Options.ReclaimSessionTimeoutSeconds, server[JanusHealthChecks.ReclaimSessionTimeoutKey]);
    }

    [Fact]
    public async Task Janus_down_makes_only_the_server_check_unhealthy_naming_the_URL_and_not_the_secret()
    {
        await Eventually.ReturnsAsync(ReadinessAsync, r => r.Status == HealthStatus.Healthy, TimeSpan.FromSeconds(15), "ready");
        await _janus.StopAsync();

        // Readiness reads the server's home, which probes every ServerProbeInterval (5 s): it says so within one probe.
        var report = await Eventually.ReturnsAsync(ReadinessAsync, r => r.Status != HealthStatus.Healthy, TimeSpan.FromSeconds(20), "Janus reported down");

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var server = report.Entries[JanusHealthChecks.Server];
        Assert.Equal(HealthStatus.Unhealthy, server.Status);
        Assert.Contains(_janus.WebSocketUrl.ToString(), server.Description);
        Assert.DoesNotContain("not-shown", server.Description);
        Assert.Equal(HealthStatus.Healthy, report.Entries[JanusHealthChecks.Journal].Status);
        Assert.DoesNotContain(_journal.File, report.Entries[JanusHealthChecks.Journal].Description);
    }

    [Fact]
    public async Task A_server_whose_REST_transport_is_down_but_whose_WebSocket_answers_is_up_for_readiness_and_for_the_server_list_alike()
    {
        await _app.StopAsync(); // one writer per journal
        await using var app = new DisposableHost(await StartAppAsync(new JanusOptions
        {
            WebSocketUrl = _janus.WebSocketUrl,
            RestUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/janus"), // nothing listens there
        }));
        var sessions = app.Host.Services.GetRequiredService<IJanusSessions>();

        var server = await Eventually.ReturnsAsync(async () => (await sessions.ListServersAsync()).Single(), s => s.Info is not null,
            TimeSpan.FromSeconds(15), "the server probed");
        var report = await ReadinessAsync(app.Host);

        Assert.Equal(JanusServerState.Up, server.State);
        Assert.Null(server.Problem);
        Assert.Equal(HealthStatus.Healthy, report.Entries[JanusHealthChecks.Server].Status);
        Assert.Equal("1.1.2", report.Entries[JanusHealthChecks.Server].Data[JanusHealthChecks.VersionKey]);

        await _janus.StopAsync();
        server = await Eventually.ReturnsAsync(async () => (await sessions.ListServersAsync()).Single(), s => s.State == JanusServerState.Unreachable,
            TimeSpan.FromSeconds(20), "the server unreachable");
        report = await ReadinessAsync(app.Host);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[JanusHealthChecks.Server].Status);
        Assert.Contains(server.Problem!, report.Entries[JanusHealthChecks.Server].Description);
    }

    private sealed class DisposableHost(IHost host) : IAsyncDisposable
    {
        public IHost Host { get; } = host;

        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
        }
    }
}
