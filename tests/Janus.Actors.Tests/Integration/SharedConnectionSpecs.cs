using System.Threading.Channels;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// Many sessions on a few shared WebSockets, against a real Janus: a socket that drops takes only its own sessions into a
/// reclaim, a destroy ends only its own session, and events reach only their own session's subscribers. The network runs
/// through a <see cref="TcpProxy"/>, so one socket can be cut while Janus keeps every session.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SharedConnectionSpecs : IAsyncLifetime
{
    private const int Sessions = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ProxiedJanus _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    private Task<InProcessSessions> StartAppAsync(int connections) =>
        _janus.StartAppAsync(_janus.Options with { WebSocketConnections = connections });

    private async Task<Dictionary<string, (long JanusId, long Handle)>> CreateAsync(IJanusSessions sessions)
    {
        var created = new Dictionary<string, (long, long)>();
        for (var i = 0; i < Sessions; i++)
        {
            var key = $"call-{i}";
            var session = await sessions.CreateAsync(key, JanusTransportKind.WebSocket);
            created[key] = (session.JanusSessionId!.Value, await sessions.AttachAsync(key, "janus.plugin.echotest"));
        }
        return created;
    }

    [Fact]
    public async Task One_socket_sharing_many_sessions_is_what_the_host_opens()
    {
        await using var app = await StartAppAsync(connections: 2);
        await CreateAsync(app.Sessions);

        Assert.Equal(2, _janus.Proxy.OpenConnections);
    }

    [Fact]
    public async Task A_dropped_shared_socket_reclaims_its_own_sessions_over_a_new_one_and_leaves_the_others_alone()
    {
        await using var app = await StartAppAsync(connections: 2);
        var created = await CreateAsync(app.Sessions);
        var inJanus = (await _janus.Admin.ListSessionsAsync()).Order().ToList();

        _janus.Proxy.CutOne();

        // The sessions of the cut socket come back (reclaims 1); those of the other one never left (reclaims 0).
        var after = await Eventually.ReturnsAsync(async () => await app.Sessions.ListAsync(),
            all => all.Count == Sessions && all.All(s => s.State == JanusSessionStatus.Active) && all.Any(s => s.Reclaims == 1),
            Patience, "the cut socket's sessions active again");
        var reclaimed = after.Count(s => s.Reclaims == 1);
        Assert.InRange(reclaimed, 1, Sessions - 1);
        Assert.All(after, s => Assert.InRange(s.Reclaims, 0, 1));
        Assert.All(after, s => Assert.Equal(created[s.Key].JanusId, s.JanusSessionId));
        Assert.Equal(inJanus, (await _janus.Admin.ListSessionsAsync()).Order().ToList()); // no new Janus session, none lost
        Assert.Equal(2, _janus.Proxy.OpenConnections);
        foreach (var (key, (_, handle)) in created)
            await AssertEchoAsync(app.Sessions, key, handle);
    }

    [Fact]
    public async Task Destroying_one_session_on_a_shared_socket_leaves_the_others_working_and_events_reach_only_their_own_subscribers()
    {
        await using var app = await StartAppAsync(connections: 1);
        var created = await CreateAsync(app.Sessions);
        using var listening = new CancellationTokenSource(Patience);
        var events = created.Keys.ToDictionary(key => key, key => Collect(app.Sessions.EventsAsync(key, listening.Token)));
        foreach (var (key, (_, handle)) in created)
            await AwaitSubscribedAsync(app.Sessions, key, handle, events[key]);

        await app.Sessions.DestroyAsync("call-0");
        Assert.DoesNotContain(created["call-0"].JanusId, await _janus.Admin.ListSessionsAsync());

        foreach (var (key, (janusId, handle)) in created.Where(c => c.Key != "call-0"))
        {
            await AssertEchoAsync(app.Sessions, key, handle);
            // The echotest's event for this message reaches this session's stream, carrying this session's handle.
            var received = await events[key].Reader.ReadAsync(listening.Token);
            Assert.Equal(handle, Assert.IsType<JanusEventReceived>(received).Event.Sender);
            Assert.Contains(janusId, await _janus.Admin.ListSessionsAsync());
        }
        // Nothing crossed over: no stream saw a second event, nor one of another session's handles.
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // a window for a misrouted event to show up, not a wait for a condition
        foreach (var (key, stream) in events.Where(e => e.Key != "call-0"))
            Assert.False(stream.Reader.TryRead(out var extra), $"{key} got a second notice: {extra}");
    }

    private static async Task AssertEchoAsync(IJanusSessions sessions, string key, long handle)
    {
        var reply = await sessions.SendAsync(key, handle, JsonDocument.Parse("""{"audio":true}""").RootElement);
        Assert.Equal("ok", reply.PluginData!.Value.GetProperty("data").GetProperty("result").GetString());
    }

    /// <summary>
    /// A subscription starts asynchronously: echo until its stream shows the echo's event, then drain it, so the test
    /// starts from a live, empty stream.
    /// </summary>
    private static async Task AwaitSubscribedAsync(IJanusSessions sessions, string key, long handle, Channel<IJanusSessionNotice> stream)
    {
        await Eventually.ReturnsAsync(async () =>
        {
            await AssertEchoAsync(sessions, key, handle);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                return await stream.Reader.WaitToReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }, seen => seen, Patience, $"{key}'s event stream to be live");
        while (stream.Reader.TryRead(out _)) { }
    }

    /// <summary>Every notice of a subscription, as it arrives.</summary>
    private static Channel<IJanusSessionNotice> Collect(IAsyncEnumerable<IJanusSessionNotice> notices)
    {
        var channel = Channel.CreateUnbounded<IJanusSessionNotice>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var notice in notices) await channel.Writer.WriteAsync(notice);
            }
            catch (OperationCanceledException)
            {
                // the test is over
            }
        });
        return channel;
    }
}
