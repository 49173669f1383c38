using System.Globalization;
using System.Text.RegularExpressions;
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
[Collection(BrowserCollection.Name)]
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

        Assert.Equal(new[] { echo, publisher }.Order(), reclaimed.Handles.OfType<HandleResynced>().Select(h => h.HandleId)); // in handle id order
        var room = Assert.IsType<RoomResynced>(reclaimed.Handles.Last(h => h.HandleId == publisher)); // after its handle's state
        Assert.Equal((4242, 0), (room.Room, room.Participants.Count)); // alone in the room, as before
        var echoState = Assert.IsType<HandleResynced>(Assert.Single(reclaimed.Handles, h => h.HandleId == echo));
        Assert.Equal("janus.plugin.echotest", echoState.Plugin);
        Assert.Null(echoState.SipState());
        var roomState = Assert.Single(reclaimed.Handles.OfType<HandleResynced>(), h => h.HandleId == publisher);
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
        var overWebSocket = _janus.Server.Ports.AdminWebSocketUrl; // the Admin API's other transport
        await using (var first = await _janus.StartAppAsync(adminApi: true, overWebSocket))
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

        await using var second = await _janus.StartAppAsync(adminApi: true, overWebSocket);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "call-1");

        Assert.Equal(2, reclaimed.Handles.Count);
        Assert.IsType<HandleResynced>(reclaimed.Handles.Single(h => h.HandleId == kept));
        Assert.Equal(new HandleGone(detached, "janus.plugin.echotest"), reclaimed.Handles.Single(h => h.HandleId == detached));
        var info = await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s!.Handles.Count == 1, Patience, "the gone handle forgotten");
        Assert.Equal(kept, Assert.Single(info!.Handles).HandleId);
        await second.StopAsync();
        await using var third = await _janus.StartAppAsync(adminApi: true, overWebSocket);
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

    [Fact]
    public async Task A_handle_whose_purpose_the_journal_does_not_hold_learns_it_from_Janus_and_its_room_from_then_on()
    {
        // A journal from before handle contexts holds exactly what one holds now for a handle whose plugin requests went
        // another way: session-created and handle-attached (formats pinned by JanusEventSerializerSpecs), no handle-context.
        var room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        long janusId, handle;
        await using (var first = await _janus.StartAppAsync(adminApi: true))
        {
            janusId = (await first.Sessions.CreateAsync("old-member", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
            handle = await first.Sessions.AttachAsync("old-member", VideoRoomHandle.PluginName);
        }
        using var admin = _janus.Server.CreateAdminClient();
        await using (var other = await RawJanusClient.ConnectAsync(_janus.Server.WebSocketUrl))
        {
            await other.ClaimAsync(janusId);
            await other.RequestAsync(JanusRequests.Message(other.NewTransaction(), janusId, handle, Json($$"""{"request":"create","room":{{room}},"notify_joining":true}""")));
            await other.RequestAsync(JanusRequests.Message(other.NewTransaction(), janusId, handle,
                Json($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"old"}""")));
            await Eventually.ReturnsAsync(async () => (await admin.HandleInfoAsync(janusId, handle)).GetProperty("plugin_specific").TryGetProperty("room", out _),
                inRoom => inRoom, Patience, "joined by the other client");
        }
        await using var bob = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.videoroom");
        await bob.RequestAsync($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"bob"}""");

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "old-member");

        var state = Assert.IsType<HandleResynced>(reclaimed.Handles[0]);
        Assert.Equal(("publisher", room), (state.PluginState.GetProperty("type").GetString(), state.PluginState.GetProperty("room").GetInt64()));
        var roomNow = Assert.IsType<RoomResynced>(reclaimed.Handles[1]); // where its knowledge of the room starts: nobody "joined"
        Assert.Equal((room, true, 0), (roomNow.Room, roomNow.IsMember, roomNow.Joined.Count));
        Assert.Equal(["bob"], roomNow.Participants.Select(p => p.Display));
        var context = (await second.Sessions.GetAsync("old-member"))!.Handles.Single().Context!;
        Assert.Equal(("publisher", room, "old"), (context.Role, context.Room!.Value, context.Display));
        Assert.Equal(["bob"], context.Participants!.Select(p => p.Display));
        // From now on the room is followed: carol joining is known, journaled.
        await using var carol = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.videoroom");
        await carol.RequestAsync($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"carol"}""");
        await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("old-member"),
            s => s!.Handles.Single().Context?.Participants?.Select(p => p.Display).Order().SequenceEqual(["bob", "carol"]) == true, Patience, "carol followed");
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/admin")]
    [InlineData("ws://127.0.0.1:{0}/")]
    public async Task An_Admin_API_that_cannot_be_reached_leaves_each_handle_told_not_resynced_and_why(string adminUrl)
    {
        var nobodyListens = new Uri(string.Format(CultureInfo.InvariantCulture, adminUrl, LoopbackPorts.Free()));
        long handle;
        await using (var first = await _janus.StartAppAsync())
        {
            await first.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket);
            handle = await first.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        }

        await using var second = await _janus.StartAppAsync(adminApi: true, nobodyListens);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "call-1");

        var unknown = Assert.IsType<HandleNotResynced>(Assert.Single(reclaimed.Handles));
        Assert.Equal(handle, unknown.HandleId);
        Assert.StartsWith("Janus server 'default''s Admin API did not say: ", unknown.Reason);
        Assert.Equal(handle, Assert.Single((await second.Sessions.GetAsync("call-1"))!.Handles).HandleId); // not declared gone
    }

    [Fact]
    public async Task Without_an_Admin_API_a_VideoRoom_member_learns_who_joined_and_who_left_during_the_gap()
    {
        var room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        long handle;
        await using var bob = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.videoroom");
        await using (var first = await _janus.StartAppAsync())
        {
            await first.Sessions.CreateAsync("alice", JanusTransportKind.WebSocket);
            handle = await first.Sessions.AttachAsync("alice", "janus.plugin.videoroom");
            await first.Sessions.SendAsync("alice", handle, Json($$"""{"request":"create","room":{{room}},"notify_joining":true}"""));
            await first.Sessions.SendAsync("alice", handle, Json($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"alice"}"""));
            var bobJoined = await bob.RequestAsync($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"bob"}""");
            Assert.Equal("joined", bobJoined.GetProperty("videoroom").GetString());
            // alice's session follows the room: bob is in the room it knows, journaled.
            await Eventually.ReturnsAsync(() => first.Sessions.GetAsync("alice"),
                s => s!.Handles.Single().Context?.Participants?.Any(p => p.Display == "bob") == true, Patience, "bob in alice's room");
        }
        // The gap: bob leaves, carol joins.
        await bob.RequestAsync("""{"request":"leave"}""");
        await using var carol = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.videoroom");
        await carol.RequestAsync($$"""{"request":"join","ptype":"publisher","room":{{room}},"display":"carol"}""");

        await using var second = await _janus.StartAppAsync();
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "alice");

        Assert.IsType<HandleNotResynced>(reclaimed.Handles[0]); // no Admin API: the handle's own state is unknown
        var roomNow = Assert.IsType<RoomResynced>(Assert.Single(reclaimed.Handles, h => h is RoomResynced));
        Assert.Equal((handle, room), (roomNow.HandleId, roomNow.Room));
        Assert.Equal(["carol"], roomNow.Joined.Select(p => p.Display));
        Assert.Equal(["bob"], roomNow.Left.Select(p => p.Display));
        Assert.Equal(["carol"], roomNow.Participants.Select(p => p.Display));
        var context = (await second.Sessions.GetAsync("alice"))!.Handles.Single().Context!;
        Assert.Equal(("publisher", room, "alice"), (context.Role, context.Room!.Value, context.Display));
        Assert.Equal(["carol"], context.Participants!.Select(p => p.Display)); // the room as now known, for the next gap
    }

    [Fact]
    public async Task A_publisher_of_the_gap_is_told_published_after_the_restart_and_a_subscription_to_it_gets_its_media()
    {
        var room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        await using var browser = await WebRtcPeer.LaunchAsync();
        await using (var first = await _janus.StartAppAsync())
        {
            await first.Sessions.CreateAsync("alice", JanusTransportKind.WebSocket);
            var alice = first.Sessions.VideoRoom("alice", await first.Sessions.AttachAsync("alice", VideoRoomHandle.PluginName));
            await alice.CreateRoomAsync(room);
            await alice.JoinAsPublisherAsync(room, "alice");
        }
        // The gap: carol joins from a browser and publishes her camera and microphone.
        var carol = await browser.PublishToVideoRoomAsync(_janus.Server, room, "carol");

        await using var second = await _janus.StartAppAsync();
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "alice");

        var roomNow = Assert.IsType<RoomResynced>(Assert.Single(reclaimed.Handles, h => h is RoomResynced));
        Assert.Equal([(carol, "carol")], roomNow.Joined.Select(p => (p.Id, p.Display)));
        Assert.Equal([carol], roomNow.Published.Select(p => p.Id));
        // What the application does next: subscribe to her, on a handle of the same session, for a browser of its own.
        var subscriber = second.Sessions.VideoRoom("alice", await second.Sessions.AttachAsync("alice", VideoRoomHandle.PluginName));
        var offered = await subscriber.SubscribeAsync(room, [carol]);
        var (connection, answer) = await browser.AnswerAsync(offered.Jsep!.Value);
        await subscriber.StartAsync(answer);
        Assert.Equal(("connected", 2), await browser.WaitForMediaAsync(connection)); // her audio and her video
    }

    [Fact]
    public async Task An_AudioBridge_member_learns_who_joined_who_left_and_whose_mute_changed_during_the_gap()
    {
        var room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        await using var bob = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.audiobridge");
        await using var carol = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.audiobridge");
        await using (var first = await _janus.StartAppAsync(adminApi: true))
        {
            await first.Sessions.CreateAsync("alice", JanusTransportKind.WebSocket);
            var handle = await first.Sessions.AttachAsync("alice", "janus.plugin.audiobridge");
            await first.Sessions.SendAsync("alice", handle, Json($$"""{"request":"create","room":{{room}}}"""));
            await first.Sessions.SendAsync("alice", handle, Json($$"""{"request":"join","room":{{room}},"display":"alice","muted":true}"""));
            await bob.RequestAsync($$"""{"request":"join","room":{{room}},"display":"bob"}""");
            await carol.RequestAsync($$"""{"request":"join","room":{{room}},"display":"carol"}""");
            await Eventually.ReturnsAsync(() => first.Sessions.GetAsync("alice"),
                s => s!.Handles.Single().Context?.Participants?.Select(p => (p.Display, p.Muted)).Order().SequenceEqual([("bob", false), ("carol", false)]) == true,
                Patience, "bob and carol in alice's room");
        }
        // The gap: bob mutes, carol leaves, dave joins.
        await bob.RequestAsync("""{"request":"configure","muted":true}""");
        await carol.RequestAsync("""{"request":"leave"}""");
        await using var dave = await RoomGuest.AttachAsync(_janus.Server, "janus.plugin.audiobridge");
        await dave.RequestAsync($$"""{"request":"join","room":{{room}},"display":"dave"}""");

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "alice");

        var own = Assert.IsType<HandleResynced>(reclaimed.Handles[0]);
        Assert.True(own.PluginState.GetProperty("muted").GetBoolean()); // alice's own mute, kept by Janus through the gap
        var roomNow = Assert.IsType<RoomResynced>(reclaimed.Handles[1]);
        Assert.Equal(["dave"], roomNow.Joined.Select(p => p.Display));
        Assert.Equal(["carol"], roomNow.Left.Select(p => p.Display));
        Assert.Equal([("bob", (bool?)true)], roomNow.Changed.Select(p => (p.Display, p.Muted)));
    }

    [Fact]
    public async Task A_SIP_registration_refused_during_the_gap_reads_unregistered_after_the_restart_and_the_account_stays_known()
    {
        var folder = Directory.CreateTempSubdirectory("janus-actors-sipp-").FullName;
        var registrarPort = Sipp.FreeUdpPort();
        await using var registrar = Sipp.Start(SippScenario("registrar-refuses-late"), folder, registrarPort);
        using var admin = _janus.Server.CreateAdminClient();
        var (janusId, handle) = await RegisterAliceAsync(registrarPort, (_, _, registering) =>
        {
            Assert.Equal(SipEventKind.Registering, registering.Result.Kind);
            return Task.CompletedTask;
        });
        Assert.Equal("registering", await RegistrationStatusAsync(admin, janusId, handle)); // the backend went away before the registrar answered
        Assert.Equal(0, await registrar.WaitForExitAsync(Patience)); // 403 sent during the gap; its registration_failed event is dropped
        await Eventually.ReturnsAsync(() => RegistrationStatusAsync(admin, janusId, handle), status => status == "unregistered", Patience,
            "Janus's SIP plugin took the 403");

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "line-1");

        // Janus's SIP plugin forgets a refused account at once (janus_sip.c sets "failed", then "unregistered" and clears
        // the username), so "failed" is never what it reports afterwards: unregistered, no username.
        var state = Assert.IsType<HandleResynced>(Assert.Single(reclaimed.Handles)).SipState()!;
        Assert.Equal((SipRegistrationStatus.Unregistered, SipCallStatus.Idle, (string?)null), (state.Registration, state.Call, state.Username));
        var context = (await second.Sessions.GetAsync("line-1"))!.Handles.Single().Context!; // what to register again
        Assert.Equal(("account", "sip:alice@127.0.0.1", $"sip:127.0.0.1:{registrarPort}"), (context.Role, context.Identity, context.Proxy));
    }

    [Fact]
    public async Task A_SIP_call_that_rang_during_the_gap_is_accepted_after_the_restart_with_a_browser_s_answer_and_the_caller_gets_200_OK()
    {
        var folder = Directory.CreateTempSubdirectory("janus-actors-sipp-").FullName;
        var registrarPort = Sipp.FreeUdpPort();
        await using var registrar = Sipp.Start(SippScenario("registrar"), folder, registrarPort, "-trace_logs", "-log_file", Path.Combine(folder, "registrar.log"));
        await using var browser = await WebRtcPeer.LaunchAsync();
        using var admin = _janus.Server.CreateAdminClient();
        var (janusId, handle) = await RegisterAliceAsync(registrarPort, (janusId, handle, _) =>
            Eventually.ReturnsAsync(() => RegistrationStatusAsync(admin, janusId, handle), status => status == "registered", Patience, "alice registered"));
        Assert.Equal(0, await registrar.WaitForExitAsync(Patience));
        var contactPort = Regex.Match(await File.ReadAllTextAsync(Path.Combine(folder, "registrar.log")), @"contact-port=(\d+)").Groups[1].Value;
        // The gap: bob calls alice; Janus's SIP plugin rings (180) and its incomingcall event is dropped.
        await using var caller = Sipp.Start(SippScenario("caller-answered"), folder, Sipp.FreeUdpPort(),
            $"127.0.0.1:{contactPort}", "-s", "alice");
        await Eventually.ReturnsAsync(async () => (await admin.HandleInfoAsync(janusId, handle)).GetProperty("plugin_specific").GetProperty("call_status").GetString(),
            status => status == "invited", Patience, "the call ringing in Janus");

        await using var second = await _janus.StartAppAsync(adminApi: true);
        var reclaimed = await FirstNoticeAfterRestartAsync(second, "line-1");

        var call = Assert.Single(reclaimed.Handles.OfType<PendingOfferRecovered>());
        Assert.StartsWith("sip:bob@127.0.0.1", call.Caller);
        var (connection, answer) = await browser.AnswerAsync(call.Jsep!.Value);
        await second.Sessions.Sip("line-1", call.HandleId).AcceptAsync(answer);
        Assert.Equal(0, await caller.WaitForExitAsync(Patience)); // 200 OK to the INVITE of the gap, ACK, a second of call, BYE
        Assert.Equal("connected", (await browser.WaitForMediaAsync(connection)).State); // the browser's side of the call, through Janus
    }

    /// <summary>
    /// A backend that registers sip:alice with the registrar on <paramref name="registrarPort"/>, does
    /// <paramref name="whileUp"/> with its session, handle and the plugin's answer, and goes away.
    /// </summary>
    private async Task<(long JanusId, long Handle)> RegisterAliceAsync(int registrarPort, Func<long, long, SipEvent, Task> whileUp)
    {
        await using var backend = await _janus.StartAppAsync(adminApi: true);
        var janusId = (await backend.Sessions.CreateAsync("line-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        var sip = backend.Sessions.Sip("line-1", await backend.Sessions.AttachAsync("line-1", SipHandle.PluginName));
        var answer = await sip.RegisterAsync(new SipAccount("sip:alice@127.0.0.1") { Secret = "never-asked", Proxy = $"sip:127.0.0.1:{registrarPort}" });
        await whileUp(janusId, sip.HandleId, answer);
        return (janusId, sip.HandleId);
    }

    private static string SippScenario(string name) => Path.Combine(AppContext.BaseDirectory, "Integration", "sipp", $"{name}.xml");

    private static async Task<string?> RegistrationStatusAsync(JanusAdminClient admin, long janusId, long handle) =>
        (await admin.HandleInfoAsync(janusId, handle)).GetProperty("plugin_specific").GetProperty("registration_status").GetString();
}
