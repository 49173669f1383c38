namespace Janus.Actors.Tests.Integration;

/// <summary>
/// The one verdict the library gives without Janus's word: Janus unreachable — no connection at all — for longer than
/// it keeps an orphaned session, counted from the first failed contact. The session ends lost with that reason, after
/// no more claims than the backoff allows.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class UnreachableJanusSpecs : IAsyncLifetime
{
    private const int ReclaimTimeoutSeconds = 4;
    private readonly ProxiedJanus _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = ReclaimTimeoutSeconds });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    [Fact]
    public async Task Janus_unreachable_past_its_reclaim_window_ends_the_session_lost_saying_since_when()
    {
        await using var app = await _janus.StartAppAsync();
        await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket);
        var cutAt = DateTimeOffset.UtcNow;

        _janus.Proxy.Pause(); // connections cut and refused from now on

        var lost = await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Lost,
            TimeSpan.FromSeconds(30), "the session to end lost");
        var endedAt = DateTimeOffset.UtcNow;
        Assert.Null(lost!.LastError!.Code);
        Assert.Matches(@"^Janus unreachable since \d\d:\d\d:\d\d UTC \((\d+) failed attempts\): its reclaim window has lapsed$", lost.LastError.Reason);
        // Not before the window (4 s) has passed since the first failed contact, and not long after it.
        Assert.InRange(endedAt - cutAt, TimeSpan.FromSeconds(ReclaimTimeoutSeconds - 1.5), TimeSpan.FromSeconds(ReclaimTimeoutSeconds + 10));
        // The backoff (0.2, 0.4, 0.8, 1, 1 s...) bounds the claims: a handful in a 4 s window, not a storm.
        var attempts = int.Parse(System.Text.RegularExpressions.Regex.Match(lost.LastError.Reason, @"\((\d+) failed").Groups[1].Value);
        Assert.InRange(attempts, 1, 8);
    }
}
