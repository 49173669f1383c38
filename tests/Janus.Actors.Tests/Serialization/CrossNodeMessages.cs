using Janus.Actors.Protocol;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Tests.Serialization;

/// <summary>A sample of every message that crosses cluster nodes, filled in the way a real session fills it.</summary>
internal static class CrossNodeMessages
{
    private static readonly JanusSessionInfo ActiveSession = new(
        "call-1", 8_745_512_093_211_346, JanusSessionStatus.Active, JanusTransportKind.WebSocket,
        [new JanusHandle(77, "janus.plugin.videoroom", "alice-publisher"), new JanusHandle(78, "janus.plugin.echotest", null)],
        new JanusSessionError(null, "transport failed: connection refused"), Reclaims: 2, Node: "10.0.0.5:4053");

    private static readonly JanusSessionInfo CreatingSession = new(
        "room-7", null, JanusSessionStatus.Creating, JanusTransportKind.Rest, [], null, 0);

    /// <summary>Every message without an actor reference, with the manifest it travels under.</summary>
    public static TheoryData<object, string> WithManifests => new()
    {
        { new CreateSession("call-1", JanusTransportKind.WebSocket), "create-session" },
        { new CreateSession("room-7", JanusTransportKind.Rest, AdoptJanusSessionId: 8_745_512_093_211_346), "create-session" },
        { new GetSession("call-1"), "get-session" },
        { new AttachHandle("call-1", "janus.plugin.videoroom", "alice-publisher"), "attach-handle" },
        { new AttachHandle("call-1", "janus.plugin.echotest"), "attach-handle" },
        { new SendPluginMessage("call-1", 77, Json("""{"request":"join","room":1234,"ptype":"publisher","display":"Zoë"}"""), Json(Offer)), "plugin-message" },
        { new SendPluginMessage("call-1", 78, Json("""{"audio":true,"video":false}""")), "plugin-message" },
        { new Trickle("call-1", 77, Json("""{"candidate":"candidate:1 1 udp 2122252543 192.0.2.7 51234 typ host","sdpMid":"0","sdpMLineIndex":0}""")), "trickle" },
        { new Trickle("call-1", 77, Json("""{"completed":true}""")), "trickle" },
        { new Hangup("call-1", 77), "hangup" },
        { new DetachHandle("call-1", 78), "detach-handle" },
        { new DestroySession("call-1"), "destroy-session" },

        { ActiveSession, "session-info" },
        { CreatingSession, "session-info" },
        { new HandleAttachedReply(77), "handle-attached" },
        { new PluginReply(Json("""{"plugin":"janus.plugin.videoroom","data":{"videoroom":"joined","room":1234,"id":4711}}"""), Json(Answer)), "plugin-reply" },
        { new PluginReply(null, null), "plugin-reply" },
        { CommandDone.Instance, "done" },
        { ListSessions.Instance, "list-sessions" },
        { ListNodeSessions.Instance, "list-node-sessions" },
        { new SessionList([ActiveSession, CreatingSession]), "session-list" },
        { new SessionList([]), "session-list" },
        { new ServerDrainChanged("janus-b", true), "server-drain" },
        { new ServerLoadReport("akka.tcp://janus-actors@10.0.0.5:4053", new Dictionary<string, long> { ["janus-a"] = 12, ["janus-b"] = 0 }), "server-load" },
        { new ServerLoadReport("akka.tcp://janus-actors@10.0.0.5:4053", new Dictionary<string, long> { ["janus-a"] = 12 }, new Dictionary<string, long> { ["janus-a"] = 5 }), "server-load" },

        { new JanusEventReceived("call-1", JanusMessage.Parse(PluginEvent)), "janus-event" },
        { new JanusEventReceived("call-1", JanusMessage.Parse(MediaEvent)), "janus-event" },
        { new JanusEventReceived("call-1", JanusMessage.Parse("""{"janus":"hangup","session_id":8745512093211346,"sender":77,"reason":"DTLS alert"}"""u8)), "janus-event" },
        { new JanusEventReceived("call-1", JanusMessage.Parse("""{"janus":"timeout","session_id":8745512093211346}"""u8)), "janus-event" },
        // Not events, but a JanusMessage all the same: every member it names makes the trip.
        { new JanusEventReceived("call-1", JanusMessage.Parse("""{"janus":"success","transaction":"t-1","data":{"id":8745512093211346}}"""u8)), "janus-event" },
        { new JanusEventReceived("call-1", JanusMessage.Parse("""{"janus":"error","transaction":"t-2","session_id":42,"error":{"code":458,"reason":"No such session 42"}}"""u8)), "janus-event" },
        { new JanusEventReceived("call-1", JanusMessage.Parse("""{"janus":"server_info","transaction":"t-3","name":"Janus WebRTC Server","version":1102,"session-timeout":60,"reclaim-session-timeout":30}"""u8)), "janus-event" },
        { new SessionReclaimed("call-1"), "session-reclaimed" },
        { new SessionReclaimed("line-1") { Handles = ResyncedHandles }, "session-reclaimed" },
        { ActiveSession with { LastResync = ResyncedHandles }, "session-info" },
        { new SessionEnded("call-1", JanusSessionStatus.Lost, new JanusSessionError(458, "No such session 8745512093211346")), "session-ended" },
        { new SessionEnded("call-2", JanusSessionStatus.Destroyed, null), "session-ended" },
    };

    /// <summary>What a reclaim finds of handles, one of each kind: a SIP call that rang during the gap among them.</summary>
    private static readonly IReadOnlyList<HandleResync> ResyncedHandles =
    [
        new HandleResynced(77, "janus.plugin.sip", Json("""{"username":"sip:alice@192.0.2.7","registration_status":"registered","call_status":"invited","callee":"sip:bob@192.0.2.9"}"""), false),
        new PendingOfferRecovered(77, "janus.plugin.sip", Json(Offer), "sip:bob@192.0.2.9"),
        new PendingOfferRecovered(78, "janus.plugin.sip", null, "sip:carol@192.0.2.9"),
        new HandleGone(79, "janus.plugin.videoroom"),
        new HandleNotResynced(80, "janus.plugin.audiobridge", "Janus server 'janus-b''s Admin API did not say: no answer within 10 s"),
    ];

    /// <summary>The messages that carry an actor reference.</summary>
    public static IEnumerable<object> Subscriptions(IActorRef subscriber) =>
        [new SubscribeToSession("call-1", subscriber), new UnsubscribeFromSession("call-1", subscriber)];

    /// <summary>Every sample, the subscriptions included.</summary>
    public static IEnumerable<object> All(IActorRef subscriber) =>
        WithManifests.Select(row => row[0]).Concat(Subscriptions(subscriber));

    /// <summary>A videoroom event with its JSEP: the kind of event a subscriber on another node must get whole.</summary>
    public static readonly byte[] PluginEvent =
        """{"janus":"event","session_id":8745512093211346,"transaction":"t-12","sender":77,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event","configured":"ok"}},"jsep":{"type":"answer","sdp":"v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\n"}}"""u8.ToArray();

    /// <summary>A <c>media</c> event: <c>mid</c>, <c>type</c> and <c>receiving</c> are members JanusMessage only keeps in Extra.</summary>
    public static readonly byte[] MediaEvent =
        """{"janus":"media","session_id":8745512093211346,"sender":77,"mid":"0","type":"audio","receiving":true}"""u8.ToArray();

    private const string Offer = """{"type":"offer","sdp":"v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg+/\r\n"}""";

    private const string Answer = """{"type":"answer","sdp":"v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\n"}""";

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
