using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Janus.Actors.Plugins;
using Janus.Actors.Protocol;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Plugins;

/// <summary>
/// The typed plugin APIs against the real plugins of a real Janus: each verb answered as its record, the plugin's events
/// read typed from a session's notices, and a refusal as the plugin's error enum.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class TypedPluginSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TestJournal _journal = new();
    private InProcessSessions _app = null!;
    private readonly long _room = Random.Shared.NextInt64(1_000_000, 9_000_000);

    private IJanusSessions Sessions => _app.Sessions;

    public async Task InitializeAsync() =>
        _app = await InProcessSessions.StartAsync(new JanusOptions { WebSocketUrl = janus.Server.WebSocketUrl }, _journal.File);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _journal.Dispose();
    }

    private async Task<long> AttachAsync(string key, string plugin)
    {
        if (await Sessions.GetAsync(key) is null) await Sessions.CreateAsync(key, JanusTransportKind.WebSocket);
        return await Sessions.AttachAsync(key, plugin);
    }

    /// <summary>
    /// Subscribes to a handle's typed events at once (before the caller's next request) and returns the first that
    /// <paramref name="match"/> accepts.
    /// </summary>
    private static async Task<T> NextAsync<T>(IAsyncEnumerable<T> events, Func<T, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var e in events.WithCancellation(timeout.Token))
            if (match(e)) return e;
        throw new InvalidOperationException("the events ended");
    }

    [Fact]
    public async Task SIP_registers_a_guest_and_an_accept_without_a_call_is_refused_as_WrongState()
    {
        var sip = Sessions.Sip("line-1", await AttachAsync("line-1", SipHandle.PluginName));

        var registered = await sip.RegisterAsync(new SipAccount("sip:guest@127.0.0.1") { Guest = true });
        var refused = await Assert.ThrowsAsync<JanusPluginException<SipErrorCode>>(() => sip.AcceptAsync(null));

        Assert.Equal(SipEventKind.Registered, registered.Result.Kind);
        Assert.Equal(SipErrorCode.WrongState, refused.Error);
        Assert.Equal((SipHandle.PluginName, "accept", 447), (refused.Plugin, refused.Request, refused.Code));
        Assert.DoesNotContain("hunter2", new SipAccount("sip:a@b") { Secret = "hunter2" }.ToString()); // accounts reach logs
    }

    /// <summary>Actor code on a typed plugin API: the answer and the refusal arrive as messages (<c>PipeTo</c>).</summary>
    private sealed class SipLine : ReceiveActor
    {
        private IActorRef _asker = ActorRefs.Nobody;
        private SipEvent? _registered;

        public SipLine(IJanusSessions sessions, string key, long handleId)
        {
            var sip = sessions.Sip(key, handleId);
            Receive<SipAccount>(account =>
            {
                _asker = Sender;
                sip.RegisterAsync(account).PipeTo(Self);
            });
            Receive<SipEvent>(registered =>
            {
                _registered = registered;
                sip.AcceptAsync(null).PipeTo(Self); // no call to accept: refused
            });
            Receive<Status.Failure>(refused => _asker.Tell((_registered, refused.Cause)));
        }
    }

    [Fact]
    public async Task An_actor_gets_the_typed_answers_and_refusals_as_messages()
    {
        var handle = await AttachAsync("line-2", SipHandle.PluginName);
        var system = _app.Services.GetRequiredService<ActorSystem>();
        var registry = _app.Services.GetRequiredService<IRequiredActor<IJanusSessions>>().ActorRef; // as actor code gets it
        var line = system.ActorOf(Props.Create(() => new SipLine(new JanusSessions(system, registry, new JanusOptions { WebSocketUrl = janus.Server.WebSocketUrl }), "line-2", handle)));

        var (registered, refused) = await line.Ask<(SipEvent?, Exception)>(new SipAccount("sip:guest2@127.0.0.1") { Guest = true }, Patience);

        Assert.Equal(SipEventKind.Registered, registered!.Result.Kind);
        Assert.Equal(SipErrorCode.WrongState, Assert.IsType<JanusPluginException<SipErrorCode>>(refused).Error);
    }

    [Fact]
    public async Task VideoRoom_rooms_publishers_their_events_and_its_errors()
    {
        var alice = Sessions.VideoRoom("alice", await AttachAsync("alice", VideoRoomHandle.PluginName));
        var bob = Sessions.VideoRoom("bob", await AttachAsync("bob", VideoRoomHandle.PluginName));
        var bobJoining = NextAsync(alice.EventsAsync(), e => e.Joining is not null);

        Assert.Equal(VideoRoomEventKind.Created, (await alice.CreateRoomAsync(_room, "typed", notifyJoining: true)).Kind);
        Assert.True(await alice.ExistsAsync(_room));
        var joined = await alice.JoinAsPublisherAsync(_room, "alice");
        Assert.Equal((VideoRoomEventKind.Joined, _room), (joined.Kind, joined.Room));
        Assert.NotNull(joined.Id);
        Assert.NotNull(joined.PrivateId);
        var bobJoined = await bob.JoinAsPublisherAsync(_room, "bob");

        var joining = await bobJoining;
        Assert.Equal((VideoRoomEventKind.Event, bobJoined.Id!.Value, "bob"), (joining.Kind, joining.Joining!.Id, joining.Joining.Display));
        Assert.Equal(["alice", "bob"], (await alice.ListParticipantsAsync(_room)).Select(p => p.Display).Order());
        var bobLeaving = NextAsync(alice.EventsAsync(), e => e.Leaving is not null);
        await bob.LeaveAsync();
        var leaving = await bobLeaving;
        Assert.Equal(bobJoined.Id.Value, leaving.Leaving!.Value.GetInt64());

        Assert.Equal(VideoRoomErrorCode.NoSuchFeed, // bob is gone
            (await Assert.ThrowsAsync<JanusPluginException<VideoRoomErrorCode>>(() => alice.RtpForwardAsync(_room, bobJoined.Id.Value, "127.0.0.1", 5002, null))).Error);
        Assert.Equal(VideoRoomErrorCode.RoomExists, (await Assert.ThrowsAsync<JanusPluginException<VideoRoomErrorCode>>(() => bob.CreateRoomAsync(_room))).Error);
        Assert.Equal(VideoRoomEventKind.Destroyed, (await bob.DestroyRoomAsync(_room)).Kind);
        Assert.False(await bob.ExistsAsync(_room));
        var carol = Sessions.VideoRoom("carol", await AttachAsync("carol", VideoRoomHandle.PluginName));
        var noRoom = await Assert.ThrowsAsync<JanusPluginException<VideoRoomErrorCode>>(() => carol.JoinAsPublisherAsync(_room, "carol"));
        Assert.Equal(VideoRoomErrorCode.NoSuchRoom, noRoom.Error);
        Assert.Contains($"{VideoRoomHandle.PluginName} refused join: 426", noRoom.Message);
    }

    [Fact]
    public async Task AudioBridge_participants_mute_their_events_and_its_errors()
    {
        var alice = Sessions.AudioBridge("alice", await AttachAsync("alice", AudioBridgeHandle.PluginName));
        var bob = Sessions.AudioBridge("bob", await AttachAsync("bob", AudioBridgeHandle.PluginName));
        var bobArrives = NextAsync(alice.EventsAsync(), e => e.Participants?.Any(p => p.Display == "bob") == true);

        Assert.Equal(AudioBridgeEventKind.Created, (await alice.CreateRoomAsync(_room)).Kind);
        var joined = await alice.JoinAsync(_room, "alice");
        Assert.Equal((AudioBridgeEventKind.Joined, _room), (joined.Kind, joined.Room));
        Assert.Equal("ok", (await alice.ConfigureAsync(muted: true)).Result);
        var bobJoined = await bob.JoinAsync(_room, "bob");

        var arrived = await bobArrives;
        Assert.Equal(bobJoined.Id, arrived.Participants!.Single(p => p.Display == "bob").Id);
        var listed = await bob.ListParticipantsAsync(_room);
        Assert.Equal((true, false), (listed.Single(p => p.Display == "alice").Muted!.Value, listed.Single(p => p.Display == "bob").Muted!.Value));
        var bobMuted = NextAsync(alice.EventsAsync(), e => e.Participants?.Any(p => p.Display == "bob" && p.Muted == true) == true);
        await alice.MuteAsync(_room, bobJoined.Id!.Value); // as a moderator
        var muted = await bobMuted;
        Assert.Equal(AudioBridgeEventKind.Event, muted.Kind);
        Assert.True((await alice.ListParticipantsAsync(_room)).Single(p => p.Display == "bob").Muted);
        Assert.Equal(AudioBridgeErrorCode.NoSuchUser, (await Assert.ThrowsAsync<JanusPluginException<AudioBridgeErrorCode>>(() => alice.MuteAsync(_room, 1))).Error);

        await bob.DestroyRoomAsync(_room);
        Assert.Equal(AudioBridgeErrorCode.NoSuchRoom, (await Assert.ThrowsAsync<JanusPluginException<AudioBridgeErrorCode>>(() => bob.JoinAsync(_room))).Error);
    }

    [Fact]
    public async Task Streaming_mountpoints_and_a_viewer_who_gets_Janus_s_offer()
    {
        var viewer = Sessions.Streaming("viewer", await AttachAsync("viewer", StreamingHandle.PluginName));
        var port = LoopbackPorts.Free();

        await viewer.CreateRtpAudioAsync(_room, port, "typed");
        Assert.Contains(await viewer.ListAsync(), m => m.Id == _room && m.Description == "typed");
        var info = await viewer.InfoAsync(_room);
        Assert.Equal(("live", "typed"), (info.Type, info.Description)); // an RTP mountpoint is a live one
        var watching = await viewer.WatchAsync(_room);
        Assert.Equal("preparing", watching.Status);
        Assert.Equal("offer", watching.Jsep!.Value.GetProperty("type").GetString());

        await viewer.DestroyAsync(_room);
        Assert.Equal(StreamingErrorCode.NoSuchMountpoint,
            (await Assert.ThrowsAsync<JanusPluginException<StreamingErrorCode>>(() => viewer.InfoAsync(_room))).Error);
    }

    [Fact]
    public async Task TextRoom_rooms_over_the_synchronous_API_and_its_errors()
    {
        var rooms = Sessions.TextRoom("chat", await AttachAsync("chat", TextRoomHandle.PluginName));

        await rooms.CreateRoomAsync(_room, "typed");
        Assert.True(await rooms.ExistsAsync(_room));
        Assert.Contains(await rooms.ListAsync(), r => r.Room == _room && r.Description == "typed");
        Assert.Empty(await rooms.ListParticipantsAsync(_room));
        await rooms.DestroyRoomAsync(_room);

        Assert.False(await rooms.ExistsAsync(_room));
        Assert.Equal(TextRoomErrorCode.NoSuchRoom,
            (await Assert.ThrowsAsync<JanusPluginException<TextRoomErrorCode>>(() => rooms.ListParticipantsAsync(_room))).Error);
    }

    [Fact]
    public async Task EchoTest_configures_what_it_echoes()
    {
        var echo = Sessions.EchoTest("echo", await AttachAsync("echo", EchoTestHandle.PluginName));

        var answer = await echo.ConfigureAsync(audio: true, video: false);

        Assert.Equal("ok", answer.Result);
    }
}
