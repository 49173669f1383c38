namespace Janus.Actors.Tests.Integration;

/// <summary>
/// Reclaiming against a real Janus: a dropped WebSocket, a graceful restart of the embedding process, Janus
/// unreachable while the process comes back, and a session that died in Janus meanwhile. The network between
/// library and Janus runs through a <see cref="TcpProxy"/> so it can break while Janus keeps its sessions.
/// (SIGKILL of a real host process is proven in the host crash specs.)
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ReclaimSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ProxiedJanus _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    private Task<InProcessSessions> StartAppAsync() => _janus.StartAppAsync();

    private static Task<JanusSessionInfo> ActiveAsync(IJanusSessions sessions, string key, int reclaims) =>
        Eventually.ReturnsAsync(() => sessions.GetAsync(key)!, s => s is { State: JanusSessionStatus.Active } && s.Reclaims >= reclaims,
            Patience, $"{key} active after {reclaims} reclaim(s)")!;

    private static async Task AssertEchoAsync(IJanusSessions sessions, string key, long handle)
    {
        var reply = await sessions.SendAsync(key, handle, JsonDocument.Parse("""{"audio":true}""").RootElement);
        Assert.Equal("ok", reply.PluginData!.Value.GetProperty("data").GetProperty("result").GetString());
    }

    private static async Task<T> FirstAsync<T>(IAsyncEnumerable<IJanusSessionNotice> notices)
    {
        await foreach (var notice in notices)
            if (notice is T wanted) return wanted;
        throw new InvalidOperationException($"the notices ended without a {typeof(T).Name}");
    }

    [Fact]
    public async Task A_dropped_WebSocket_is_reclaimed_on_a_new_socket_without_a_new_Janus_session()
    {
        await using var app = await StartAppAsync();
        var created = await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket);
        var handle = await app.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        var sessionsBefore = await _janus.Admin.ListSessionsAsync();
        using var listening = new CancellationTokenSource(Patience);
        var reclaimedNotice = FirstAsync<SessionReclaimed>(app.Sessions.EventsAsync("call-1", listening.Token));

        _janus.Proxy.Cut();

        var reclaimed = await ActiveAsync(app.Sessions, "call-1", reclaims: 1);
        Assert.Equal(created.JanusSessionId, reclaimed.JanusSessionId);
        Assert.True((await reclaimedNotice).EventsMayHaveBeenMissed);
        Assert.Equal(sessionsBefore.Order(), (await _janus.Admin.ListSessionsAsync()).Order());
        await AssertEchoAsync(app.Sessions, "call-1", handle);
    }

    [Fact]
    public async Task A_graceful_restart_destroys_nothing_and_the_next_process_reclaims_every_session()
    {
        var ids = new Dictionary<string, (long JanusId, long Handle)>();
        await using (var first = await StartAppAsync())
        {
            foreach (var (key, transport) in new[] { ("ws-1", JanusTransportKind.WebSocket), ("rest-1", JanusTransportKind.Rest) })
            {
                var session = await first.Sessions.CreateAsync(key, transport);
                ids[key] = (session.JanusSessionId!.Value, await first.Sessions.AttachAsync(key, "janus.plugin.echotest"));
            }
        }
        Assert.Superset(ids.Values.Select(v => v.JanusId).ToHashSet(), (await _janus.Admin.ListSessionsAsync()).ToHashSet());

        await using var second = await StartAppAsync();
        // Asked at once, before the journal scan can have reached them: known, not "not found".
        foreach (var key in ids.Keys)
            Assert.NotNull(await second.Sessions.GetAsync(key));
        foreach (var (key, (janusId, handle)) in ids)
        {
            var session = await ActiveAsync(second.Sessions, key, reclaims: 1);
            Assert.Equal(janusId, session.JanusSessionId);
            Assert.Equal(handle, Assert.Single(session.Handles).HandleId);
            await AssertEchoAsync(second.Sessions, key, handle);
        }
    }

    [Fact]
    public async Task Janus_unreachable_while_the_process_comes_back_is_reclaimed_after_backoff()
    {
        long janusId;
        await using (var first = await StartAppAsync())
            janusId = (await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        _janus.Proxy.Pause();

        await using var second = await StartAppAsync();
        await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Reclaiming,
            Patience, "the session to wait for Janus");
        _janus.Proxy.Resume();

        var session = await ActiveAsync(second.Sessions, "call-1", reclaims: 1);
        Assert.Equal(janusId, session.JanusSessionId);
        Assert.Contains(janusId, await _janus.Admin.ListSessionsAsync());
    }

    [Fact]
    public async Task A_session_destroyed_in_Janus_while_the_process_was_down_ends_lost_with_458_and_stays_lost()
    {
        long janusId;
        await using (var first = await StartAppAsync())
            janusId = (await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        await _janus.Admin.DestroySessionAsync(janusId);

        await using (var second = await StartAppAsync())
        {
            var lost = await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Lost,
                Patience, "the session to be lost");
            Assert.Equal(458, lost!.LastError?.Code);
            Assert.Equal(0, lost.Reclaims);
        }

        // The loss is persisted: the next process does not claim it again.
        await using var third = await StartAppAsync();
        var still = await Eventually.ReturnsAsync(() => third.Sessions.GetAsync("call-1"), s => s is not null, Patience, "the session to be listed");
        Assert.Equal(JanusSessionStatus.Lost, still!.State);
        Assert.Equal(458, still.LastError?.Code);
    }
}
