namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A backend that comes back after a crash subscribes to its sessions only once its own code runs, and by then the
/// library has usually reclaimed them (or found them gone). Such a late subscriber must still learn what happened:
/// that events may have been missed, or that the session has ended.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class LateSubscriberSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly JanusWithJournal _janus = new();

    public Task InitializeAsync() => _janus.InitializeAsync();

    public Task DisposeAsync() => _janus.DisposeAsync();

    private Task<InProcessSessions> StartAppAsync() => _janus.StartAppAsync();

    private static async Task<List<IJanusSessionNotice>> ReadUntilEndOrSilenceAsync(IAsyncEnumerable<IJanusSessionNotice> notices, TimeSpan silence)
    {
        var read = new List<IJanusSessionNotice>();
        using var stop = new CancellationTokenSource(silence);
        try
        {
            await foreach (var notice in notices.WithCancellation(stop.Token))
                read.Add(notice);
        }
        catch (OperationCanceledException)
        {
            // Still open after the silence: the caller asserts on what arrived.
        }
        return read;
    }

    [Fact]
    public async Task A_subscriber_arriving_after_the_start_up_reclaim_first_gets_SessionReclaimed()
    {
        await using (var first = await StartAppAsync())
            await first.Sessions.CreateAsync("room-1", JanusTransportKind.WebSocket);

        await using var second = await StartAppAsync();
        await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("room-1"), s => s is { State: JanusSessionStatus.Active, Reclaims: 1 },
            Patience, "the session reclaimed before anyone subscribed");

        using var listening = new CancellationTokenSource(Patience);
        await using var notices = second.Sessions.EventsAsync("room-1", listening.Token).GetAsyncEnumerator(listening.Token);
        Assert.True(await notices.MoveNextAsync());
        Assert.True(Assert.IsType<SessionReclaimed>(notices.Current).EventsMayHaveBeenMissed);
    }

    [Fact]
    public async Task A_session_created_by_this_process_starts_its_stream_without_a_reclaim_notice()
    {
        await using var app = await StartAppAsync();
        await app.Sessions.CreateAsync("room-1", JanusTransportKind.WebSocket);

        var notices = await ReadUntilEndOrSilenceAsync(app.Sessions.EventsAsync("room-1"), TimeSpan.FromSeconds(1));

        Assert.Empty(notices);
    }

    [Fact]
    public async Task Subscribing_to_a_session_that_ended_before_yields_its_SessionEnded_and_completes()
    {
        long janusId;
        await using (var first = await StartAppAsync())
            janusId = (await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        using (var admin = _janus.Server.CreateAdminClient())
            await admin.DestroySessionAsync(janusId);

        await using var second = await StartAppAsync();
        await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Lost,
            Patience, "the session found lost before anyone subscribed");

        var notices = await ReadUntilEndOrSilenceAsync(second.Sessions.EventsAsync("call-1"), Patience);

        var ended = Assert.IsType<SessionEnded>(Assert.Single(notices));
        Assert.Equal(JanusSessionStatus.Lost, ended.State);
        Assert.Equal(458, ended.Error?.Code);
    }
}
