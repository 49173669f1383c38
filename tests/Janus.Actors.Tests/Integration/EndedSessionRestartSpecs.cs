namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A backend that comes back after a crash calls <c>CreateOrResumeAsync</c> for its keys (or <c>CreateAsync</c>, treating
/// <see cref="JanusSessionExistsException"/> as "resume"). That must hold even for a session that ended while the
/// process was down, and even before the start-up scan of the journal has reached it.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class EndedSessionRestartSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly JanusWithJournal _janus = new();

    public Task InitializeAsync() => _janus.InitializeAsync();

    public Task DisposeAsync() => _janus.DisposeAsync();

    private Task<InProcessSessions> StartAppAsync() => _janus.StartAppAsync();

    [Fact]
    public async Task Creating_a_key_whose_session_was_lost_answers_exists_at_once_right_after_start_up()
    {
        long janusId;
        await using (var first = await StartAppAsync())
            janusId = (await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        using (var admin = _janus.Server.CreateAdminClient())
            await admin.DestroySessionAsync(janusId);
        await using (var second = await StartAppAsync())
            await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Lost,
                Patience, "the session found lost");

        await using var third = await StartAppAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Record.ExceptionAsync(() => third.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket));

        Assert.IsType<JanusSessionExistsException>(refused);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        var session = await Eventually.ReturnsAsync(() => third.Sessions.GetAsync("call-1"), s => s is not null, Patience, "the session listed");
        Assert.Equal(JanusSessionStatus.Lost, session!.State);
        Assert.Equal(458, session.LastError?.Code);

        // The restart-safe call throws nothing and says what became of the session.
        var resumed = await third.Sessions.CreateOrResumeAsync("call-1", JanusTransportKind.WebSocket);
        Assert.False(resumed.Created);
        Assert.Equal((JanusSessionStatus.Lost, 458), (resumed.Session.State, resumed.Session.LastError?.Code));
    }
}
