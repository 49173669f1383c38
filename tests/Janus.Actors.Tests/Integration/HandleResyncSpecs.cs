using System.Text.Json;
using Janus.Actors.Plugins;
using Janus.Actors.Protocol;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// Janus drops every event of the gap, but its plugins never learn that the session's process went away: after a restart
/// the reclaim reads each handle back from the Admin API and tells the application where it stands, with
/// <see cref="SessionReclaimed"/>, before any later event.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HandleResyncSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly JanusWithJournal _janus = new();

    public Task InitializeAsync() => _janus.InitializeAsync();

    public Task DisposeAsync() => _janus.DisposeAsync();

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>The first notice of a subscription started once the session is back (as an application does after a restart).</summary>
    private static async Task<SessionReclaimed> FirstNoticeAfterRestartAsync(InProcessSessions app, string key)
    {
        await Eventually.ReturnsAsync(() => app.Sessions.GetAsync(key), s => s is { State: JanusSessionStatus.Active, Reclaims: 1 },
            Patience, $"{key} reclaimed");
        using var listening = new CancellationTokenSource(Patience);
        await using var notices = app.Sessions.EventsAsync(key, listening.Token).GetAsyncEnumerator(listening.Token);
        Assert.True(await notices.MoveNextAsync());
        return Assert.IsType<SessionReclaimed>(notices.Current);
    }

    [Fact]
    public async Task After_a_restart_SessionReclaimed_says_where_each_handle_stands_as_Janus_reports_it()
    {
        long echo, publisher;
        await using (var first = await _janus.StartAppAsync(adminApi: true))
        {
            await first.Sessions.CreateAsync("room-member", JanusTransportKind.WebSocket);
            echo = await first.Sessions.AttachAsync("room-member", "janus.plugin.echotest");
            publisher = await first.Sessions.AttachAsync("room-member", "janus.plugin.videoroom");
            await first.Sessions.SendAsync("room-member", publisher, Json("""{"request":"create","room":4242}"""));
            var joined = await first.Sessions.SendAsync("room-member", publisher,
                Json("""{"request":"join","ptype":"publisher","room":4242,"display":"alice"}"""));
            Assert.Equal("joined", joined.PluginData!.Value.GetProperty("data").GetProperty("videoroom").GetString());
        }

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "room-member");

        Assert.Equal(new[] { echo, publisher }.Order(), reclaimed.Handles.Select(h => h.HandleId)); // the session's handles in id order
        var echoState = Assert.IsType<HandleResynced>(reclaimed.Handles.Single(h => h.HandleId == echo));
        Assert.Equal("janus.plugin.echotest", echoState.Plugin);
        Assert.Null(echoState.Sip);
        var roomState = Assert.IsType<HandleResynced>(reclaimed.Handles.Single(h => h.HandleId == publisher));
        Assert.Equal(("publisher", 4242, "alice"), (roomState.PluginState.GetProperty("type").GetString(),
            roomState.PluginState.GetProperty("room").GetInt64(), roomState.PluginState.GetProperty("display").GetString()));
        Assert.False(roomState.Negotiated); // joined without media
        var info = await second.Sessions.GetAsync("room-member");
        Assert.Equal(reclaimed.Handles.Select(h => (h.GetType(), h.HandleId)), info!.LastResync!.Select(h => (h.GetType(), h.HandleId)));
    }

    [Fact]
    public async Task A_handle_Janus_no_longer_has_is_told_gone_and_forgotten_by_the_session()
    {
        long janusId, kept, detached;
        await using (var first = await _janus.StartAppAsync(adminApi: true))
        {
            janusId = (await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
            kept = await first.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
            detached = await first.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        }
        // While the backend is down, another client takes the session over and detaches one handle.
        await using (var other = await RawJanusClient.ConnectAsync(_janus.Server.WebSocketUrl))
        {
            await other.ClaimAsync(janusId);
            await other.RequestAsync(JanusRequests.Detach(other.NewTransaction(), janusId, detached));
        }

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "call-1");

        Assert.Equal(2, reclaimed.Handles.Count);
        Assert.IsType<HandleResynced>(reclaimed.Handles.Single(h => h.HandleId == kept));
        Assert.Equal(new HandleGone(detached, "janus.plugin.echotest"), reclaimed.Handles.Single(h => h.HandleId == detached));
        var info = await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s!.Handles.Count == 1, Patience, "the gone handle forgotten");
        Assert.Equal(kept, Assert.Single(info!.Handles).HandleId);
        await second.StopAsync();
        await using var third = await _janus.StartAppAsync(adminApi: true);
        var recovered = await Eventually.ReturnsAsync(() => third.Sessions.GetAsync("call-1"), s => s is { State: JanusSessionStatus.Active }, Patience, "reclaimed again");
        Assert.Equal(kept, Assert.Single(recovered!.Handles).HandleId); // journaled as detached
    }

    [Fact]
    public async Task Without_an_Admin_API_each_handle_is_told_not_resynced_and_why()
    {
        long handle;
        await using (var first = await _janus.StartAppAsync())
        {
            await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket);
            handle = await first.Sessions.AttachAsync("call-1", "janus.plugin.sip");
        }

        await using var second = await _janus.StartAppAsync();
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "call-1");

        var unknown = Assert.IsType<HandleNotResynced>(Assert.Single(reclaimed.Handles));
        Assert.Equal((handle, "janus.plugin.sip"), (unknown.HandleId, unknown.Plugin));
        Assert.Equal("no Admin API is configured for Janus server 'default' (AdminUrl, AdminSecret): the handle's state after the gap is unknown", unknown.Reason);
    }
}
