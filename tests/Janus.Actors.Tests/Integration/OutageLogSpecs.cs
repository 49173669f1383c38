using Microsoft.Extensions.Logging;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// What an operator reads when Janus is out of reach for a while and comes back: the library handles it by itself, so
/// it says so in a handful of warnings — no errors, no stack traces, no line per retry.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class OutageLogSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private readonly ProxiedJanus _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 60, ReclaimSessionTimeoutSeconds = 30 });
    private readonly RecordingLoggerProvider _logs = new();

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    [Fact]
    public async Task Janus_unreachable_for_ten_seconds_with_four_sessions_logs_a_handful_of_warnings_and_no_error()
    {
        await using var app = await _janus.StartAppAsync(logs: _logs);
        var keys = Enumerable.Range(1, 4).Select(i => $"call-{i}").ToList();
        foreach (var key in keys) await app.Sessions.CreateAsync(key, JanusTransportKind.WebSocket);
        // Log lines travel asynchronously: count from after the creations' own lines.
        await Eventually.ReturnsAsync(() => Task.FromResult(_logs.All.Count(l => l.Message.StartsWith("Created Janus session", StringComparison.Ordinal))),
            created => created == keys.Count, TimeSpan.FromSeconds(10), "the creations logged");
        var before = _logs.All.Count;

        _janus.Proxy.Pause(); // connections cut and refused
        await Task.Delay(Outage);
        _janus.Proxy.Resume();
        foreach (var key in keys)
            await Eventually.ReturnsAsync(() => app.Sessions.GetAsync(key), s => s?.State == JanusSessionStatus.Active,
                TimeSpan.FromSeconds(30), $"{key} active again");
        await Task.Delay(TimeSpan.FromSeconds(1)); // lines still on their way

        var outage = _logs.All.Skip(before).Where(l => l.Level >= LogLevel.Information).ToList();
        foreach (var line in outage) output.WriteLine($"{line.Level} {line.Category}: {line.Message}");
        Assert.DoesNotContain(outage, l => l.Level >= LogLevel.Error);
        Assert.DoesNotContain(outage, l => l.Exception is not null);
        // A warning per shared connection lost (the default pool has 4, here at most one per session); then, when Janus
        // is back, a line per connection reopened and per session reclaimed.
        Assert.InRange(outage.Count(l => l.Level == LogLevel.Warning), 1, keys.Count);
        Assert.InRange(outage.Count, 1, 3 * keys.Count);
        Assert.All(outage, l => Assert.StartsWith("Janus.Actors.", l.Category));
    }
}
