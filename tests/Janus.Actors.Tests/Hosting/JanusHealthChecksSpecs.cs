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
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddJanusSessions(options =>
        {
            options.Janus = new JanusOptions { WebSocketUrl = _janus.WebSocketUrl, ApiSecret = "not-shown" };
            options.Journal = new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={_journal.File}");
        });
        builder.Services.AddHealthChecks().AddJanusSessionChecks("ready");
        _app = builder.Build();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        _app.Dispose();
        await _janus.DisposeAsync();
        _journal.Dispose();
    }

    private Task<HealthReport> ReadinessAsync() =>
        _app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));

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
        await _janus.StopAsync();

        var report = await ReadinessAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        var server = report.Entries[JanusHealthChecks.Server];
        Assert.Equal(HealthStatus.Unhealthy, server.Status);
        Assert.Contains(_janus.WebSocketUrl.ToString(), server.Description);
        Assert.DoesNotContain("not-shown", server.Description);
        Assert.Equal(HealthStatus.Healthy, report.Entries[JanusHealthChecks.Journal].Status);
        Assert.DoesNotContain(_journal.File, report.Entries[JanusHealthChecks.Journal].Description);
    }
}
