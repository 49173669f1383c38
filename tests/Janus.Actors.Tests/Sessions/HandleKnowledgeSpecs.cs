using Janus.Actors.Servers;

namespace Janus.Actors.Tests.Sessions;

/// <summary>
/// What a session makes of Janus's answers about its handles: what a handle is for (its context), the room it is in,
/// and what a reclaim's <c>handle_info</c> means (an offer or a call waiting) — on the JSON the plugins really send.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class HandleKnowledgeSpecs
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonElement Answer(string plugin, string data) => Json($$"""{"plugin":"{{plugin}}","data":{{data}}}""");

    [Fact]
    public void A_SIP_register_makes_the_handle_an_account_without_its_secret_and_a_refusal_changes_nothing()
    {
        var handle = new JanusHandle(1, "janus.plugin.sip", null);
        var register = Json("""{"request":"register","username":"sip:alice@pbx","secret":"hunter2","proxy":"sip:pbx"}""");

        var (changed, context) = HandleContexts.After(handle, register, Answer("janus.plugin.sip", """{"sip":"event","result":{"event":"registering"}}"""));
        var refused = HandleContexts.After(handle, register, Answer("janus.plugin.sip", """{"sip":"event","error_code":446,"error":"Invalid address"}"""));

        Assert.True(changed);
        Assert.Equal(new HandleContext { Role = "account", Identity = "sip:alice@pbx", Proxy = "sip:pbx" }, context);
        Assert.DoesNotContain("hunter2", context!.ToString());
        Assert.False(refused.Changed);
    }

    public static TheoryData<string, string, HandleContext?> PluginStates => new()
    {
        { "janus.plugin.sip", """{"username":"sip:alice@pbx","secret":"(hidden)","registration_status":"registered","call_status":"idle"}""",
            new HandleContext { Role = "account", Identity = "sip:alice@pbx" } },
        { "janus.plugin.sip", """{"registration_status":"unregistered","call_status":"idle"}""", null },
        { "janus.plugin.videoroom", """{"type":"publisher","room":1234,"id":77,"private_id":5,"display":"bob"}""",
            new HandleContext { Role = "publisher", Room = 1234, Id = 77, Display = "bob" } },
        { "janus.plugin.videoroom", """{"type":"subscriber","room":1234,"streams":[]}""", new HandleContext { Role = "subscriber", Room = 1234 } },
        { "janus.plugin.videoroom", """{"type":"none"}""", null },
        { "janus.plugin.audiobridge", """{"state":"inroom","room":4321,"id":9,"display":"carol","muted":true}""",
            new HandleContext { Role = "participant", Room = 4321, Id = 9, Display = "carol" } },
        { "janus.plugin.audiobridge", """{"state":"idle"}""", null },
        { "janus.plugin.streaming", """{"state":"watching","mountpoint_id":3,"mountpoint_name":"cam"}""", new HandleContext { Role = "viewer", Mountpoint = 3 } },
        { "janus.plugin.echotest", """{"audio_active":true}""", null },
    };

    [Theory]
    [MemberData(nameof(PluginStates))]
    public void A_handle_without_a_context_learns_it_from_its_plugin_state_as_the_Admin_API_reads_it(string plugin, string state, HandleContext? expected) =>
        Assert.Equal(expected, HandleContexts.FromPluginState(plugin, Json(state)));

    [Fact]
    public void A_VideoRoom_publisher_knows_its_room_from_its_join_and_follows_the_rooms_events()
    {
        var handle = new JanusHandle(1, "janus.plugin.videoroom", null);
        var joined = HandleContexts.After(handle, Json("""{"request":"join","ptype":"publisher","room":1234,"display":"alice"}"""),
            Answer("janus.plugin.videoroom", """{"videoroom":"joined","room":1234,"id":10,"private_id":99,"publishers":[{"id":11,"display":"bob"}]}""")).Context!;
        Assert.Equal(("publisher", 1234L, 10L, "alice"), (joined.Role, joined.Room!.Value, joined.Id!.Value, joined.Display));
        Assert.Equal([new RoomParticipant(11, "bob") { Publisher = true }], joined.Participants);

        var roster = joined.Participants!;
        roster = RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"joining":{"id":12,"display":"carol"}}"""));
        roster = RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"unpublished":11}"""));
        roster = RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"publishers":[{"id":12,"display":"carol"}]}"""));
        roster = RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"unpublished":"ok"}"""));

        Assert.Equal([new RoomParticipant(11, "bob") { Publisher = false }, new RoomParticipant(12, "carol") { Publisher = true }], roster);
        Assert.Equal(roster, RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"leaving":10}""")));
        Assert.Equal([new RoomParticipant(12, "carol") { Publisher = true }],
            RoomRosters.Apply("janus.plugin.videoroom", roster, 10, Json("""{"videoroom":"event","room":1234,"leaving":11}""")));
        Assert.Null(HandleContexts.After(handle with { Context = joined }, Json("""{"request":"leave"}"""),
            Answer("janus.plugin.videoroom", """{"videoroom":"event","leaving":"ok"}""")).Context);
    }

    [Fact]
    public void A_room_listed_after_a_reclaim_says_who_joined_left_published_unpublished_or_changed_mute()
    {
        IReadOnlyList<RoomParticipant> before = [new(11, "bob") { Publisher = true }, new(12, "carol") { Publisher = false }, new(13, "dave") { Publisher = true }];
        var listing = Json("""{"videoroom":"participants","room":1234,"participants":[{"id":10,"display":"alice","publisher":false},""" +
                           """{"id":12,"display":"carol","publisher":true},{"id":13,"display":"dave","publisher":false},{"id":14,"display":"erin","publisher":true}]}""");

        var room = RoomRosters.Compare(1, "janus.plugin.videoroom", 1234, self: 10, before, listing);

        Assert.Equal([12L, 13, 14], room.Participants.Select(p => p.Id)); // itself left out
        Assert.True(room.IsMember);
        Assert.Equal(["erin"], room.Joined.Select(p => p.Display));
        Assert.Equal(["bob"], room.Left.Select(p => p.Display));
        Assert.Equal(["carol", "erin"], room.Published.Select(p => p.Display));
        Assert.Equal(["dave"], room.Unpublished.Select(p => p.Display));

        var bridge = RoomRosters.Compare(2, "janus.plugin.audiobridge", 5, self: null, [new(21, "bob") { Muted = false }],
            Json("""{"audiobridge":"participants","room":5,"participants":[{"id":21,"display":"bob","setup":true,"muted":true}]}"""));
        Assert.Equal([new RoomParticipant(21, "bob") { Muted = true }], bridge.Changed);
        Assert.False(bridge.IsMember); // its own id unknown: not listed
    }

    [Fact]
    public void A_SIP_call_that_rings_with_SDP_is_a_pending_offer_with_its_caller_and_Janus_s_WebRTC_offer()
    {
        var info = Json("""
            {"session_id":1,"handle_id":2,"plugin":"janus.plugin.sip",
             "plugin_specific":{"username":"sip:alice@127.0.0.1","registration_status":"registered","call_status":"invited","callee":"sip:bob@127.0.0.1:5062","establishing":1},
             "flags":{"got-offer":true,"got-answer":false,"processing-offer":true,"negotiated":false},
             "sdps":{"profile":"UDP/TLS/RTP/SAVPF","local":"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}}
            """);

        var found = HandleResyncs.From(new HandleRead(2, "janus.plugin.sip", info, null)).ToList();

        var state = Assert.IsType<HandleResynced>(found[0]);
        Assert.Equal(new Janus.Actors.Plugins.SipHandleState(Janus.Actors.Plugins.SipRegistrationStatus.Registered, Janus.Actors.Plugins.SipCallStatus.Invited,
            "sip:alice@127.0.0.1", "sip:bob@127.0.0.1:5062"), Janus.Actors.Plugins.PluginStates.SipState(state));
        var offer = Assert.IsType<PendingOfferRecovered>(found[1]);
        Assert.Equal("sip:bob@127.0.0.1:5062", offer.Caller);
        Assert.Equal(("offer", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"), (offer.Jsep!.Value.GetProperty("type").GetString(), offer.Jsep.Value.GetProperty("sdp").GetString()));
    }

    [Fact]
    public void An_offerless_call_is_pending_without_a_JSEP_and_an_answered_offer_or_a_quiet_handle_is_not_pending()
    {
        var offerless = Json("""{"plugin_specific":{"call_status":"invited","callee":"sip:bob@pbx"},"flags":{"got-offer":false,"got-answer":false},"sdps":{}}""");
        var answered = Json("""{"plugin_specific":{"type":"subscriber"},"flags":{"got-offer":true,"got-answer":true,"negotiated":true},"sdps":{"local":"v=0"}}""");
        var subscriberWaiting = Json("""{"plugin_specific":{"type":"subscriber"},"flags":{"got-offer":true,"got-answer":false},"sdps":{"local":"v=0"}}""");

        Assert.Equal(new PendingOfferRecovered(1, "janus.plugin.sip", null, "sip:bob@pbx"), HandleResyncs.From(new HandleRead(1, "janus.plugin.sip", offerless, null)).Last());
        Assert.IsType<HandleResynced>(Assert.Single(HandleResyncs.From(new HandleRead(2, "janus.plugin.videoroom", answered, null))));
        var waiting = Assert.IsType<PendingOfferRecovered>(HandleResyncs.From(new HandleRead(3, "janus.plugin.videoroom", subscriberWaiting, null)).Last());
        Assert.Null(waiting.Caller);
        Assert.Equal(new HandleGone(4, "janus.plugin.echotest"), Assert.Single(HandleResyncs.From(new HandleRead(4, "janus.plugin.echotest", null, null))));
    }
}
