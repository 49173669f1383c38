using System.Runtime.Serialization;
using Akka.Serialization;
using Janus.Actors.Protocol;
using Janus.Actors.Serialization;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// The wire format between cluster nodes: every command, reply and notice goes through the Janus serializer (never
/// Newtonsoft) and arrives as it was sent.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusMessageSerializerSpecs() : Akka.TestKit.Xunit2.TestKit(ClusterSerializationConfig.Node)
{
    public static TheoryData<object, string> Messages => CrossNodeMessages.WithManifests;

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cross_node_message_is_bound_to_the_janus_serializer(object message, string _)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);

        Assert.IsType<JanusMessageSerializer>(serializer);
        Assert.Equal(4712, serializer.Identifier);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cross_node_message_round_trips_under_its_short_manifest(object message, string manifest)
    {
        Assert.Equal(manifest, Serializer.Manifest(message));
        MessageAssert.Intact(message, RoundTrip(message));
    }

    [Fact]
    public void Subscriptions_arrive_with_the_subscriber_as_an_actor_ref_to_the_same_actor()
    {
        foreach (var message in CrossNodeMessages.Subscriptions(TestActor))
        {
            Assert.IsType<JanusMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
            MessageAssert.Intact(message, RoundTrip(message));
        }
        Assert.Equal("subscribe", Serializer.Manifest(new SubscribeToSession("call-1", TestActor)));
        Assert.Equal("unsubscribe", Serializer.Manifest(new UnsubscribeFromSession("call-1", TestActor)));
    }

    [Fact]
    public void A_subscriber_is_written_with_this_nodes_address_so_the_session_can_reach_it_from_another_node()
    {
        var json = Encoding.UTF8.GetString(Serializer.ToBinary(new SubscribeToSession("call-1", TestActor)));

        var address = ((ExtendedActorSystem)Sys).Provider.DefaultAddress;
        Assert.Equal("akka.tcp", address.Protocol);
        Assert.Equal($$"""{"key":"call-1","subscriber":"{{TestActor.Path.ToSerializationFormatWithAddress(address)}}"}""", json);
    }

    [Fact]
    public void Every_command_notice_and_reply_type_has_a_sample()
    {
        var crossNode = typeof(IJanusSessionCommand).Assembly.GetTypes()
            .Where(t => t is { IsInterface: false, IsAbstract: false } && (t.IsAssignableTo(typeof(IJanusSessionCommand)) || t.IsAssignableTo(typeof(IJanusSessionNotice))))
            .Concat([typeof(JanusSessionInfo), typeof(HandleAttachedReply), typeof(PluginReply), typeof(CommandDone), typeof(ListSessions), typeof(ListNodeSessions), typeof(SessionList),
                typeof(ServerDrainChanged), typeof(ServerLoadReport)]);

        var sampled = CrossNodeMessages.All(TestActor).Select(m => m.GetType()).Distinct();

        Assert.Equal(crossNode.Select(t => t.FullName).Order(), sampled.Select(t => t.FullName).Order());
    }

    /// <summary>A few messages pinned to the byte: a renamed member or manifest must not silently change the wire.</summary>
    public static TheoryData<object, string> PinnedJson => new()
    {
        {
            new CreateSession("room-7", JanusTransportKind.Rest, AdoptJanusSessionId: 8_745_512_093_211_346),
            """{"key":"room-7","transport":"rest","adoptJanusSessionId":8745512093211346}"""
        },
        {
            new CreateSession("room-8", JanusTransportKind.WebSocket, Server: "janus-b", Zone: "eu-west"),
            """{"key":"room-8","transport":"webSocket","server":"janus-b","zone":"eu-west"}"""
        },
        {
            new SendPluginMessage("call-1", 78, CrossNodeMessages.Json("""{"display":"Zoë <3 & +1"}"""), CrossNodeMessages.Json("""{"type":"offer","sdp":"v=0\r\n"}""")),
            """{"key":"call-1","handleId":78,"body":{"display":"Zoë <3 & +1"},"jsep":{"type":"offer","sdp":"v=0\r\n"}}"""
        },
        {
            new JanusSessionInfo("call-1", 42, JanusSessionStatus.Reclaiming, JanusTransportKind.WebSocket,
                [new JanusHandle(77, "janus.plugin.echotest", null)], new JanusSessionError(null, "connection refused"), 1, "10.0.0.5:4053", "janus-b"),
            """{"key":"call-1","janusSessionId":42,"state":"reclaiming","transport":"webSocket","handles":[{"handleId":77,"plugin":"janus.plugin.echotest"}],"lastError":{"reason":"connection refused"},"reclaims":1,"node":"10.0.0.5:4053","server":"janus-b"}"""
        },
        {
            new JanusEventReceived("call-1", JanusMessage.Parse(CrossNodeMessages.MediaEvent)),
            """{"key":"call-1","event":{"janus":"media","session_id":8745512093211346,"sender":77,"mid":"0","type":"audio","receiving":true}}"""
        },
        { new SessionReclaimed("call-1"), """{"key":"call-1","handles":[]}""" },
        {
            new SessionReclaimed("line-1")
            {
                Handles =
                [
                    new HandleResynced(77, "janus.plugin.sip", CrossNodeMessages.Json("""{"call_status":"invited"}"""), false),
                    new PendingOfferRecovered(77, "janus.plugin.sip", CrossNodeMessages.Json("""{"type":"offer","sdp":"v=0\r\n"}"""), "sip:bob@192.0.2.9"),
                    new HandleGone(79, "janus.plugin.videoroom"),
                    new HandleNotResynced(80, "janus.plugin.audiobridge", "no answer"),
                ],
            },
            """{"key":"line-1","handles":[{"kind":"resynced","pluginState":{"call_status":"invited"},"negotiated":false,"handleId":77,"plugin":"janus.plugin.sip"},""" +
            """{"kind":"pendingOffer","jsep":{"type":"offer","sdp":"v=0\r\n"},"caller":"sip:bob@192.0.2.9","handleId":77,"plugin":"janus.plugin.sip"},""" +
            """{"kind":"gone","handleId":79,"plugin":"janus.plugin.videoroom"},{"kind":"notResynced","reason":"no answer","handleId":80,"plugin":"janus.plugin.audiobridge"}]}"""
        },
        { new SessionEnded("call-1", JanusSessionStatus.Lost, new JanusSessionError(458, "No such session")), """{"key":"call-1","state":"lost","error":{"code":458,"reason":"No such session"}}""" },
        { CommandDone.Instance, "{}" },
    };

    [Theory]
    [MemberData(nameof(PinnedJson))]
    public void Messages_are_written_as_camel_case_json(object message, string json)
    {
        Assert.Equal(json, Encoding.UTF8.GetString(Serializer.ToBinary(message)));
        MessageAssert.Intact(message, Serializer.FromBinary(Encoding.UTF8.GetBytes(json), Serializer.Manifest(message)));
    }

    [Theory]
    [InlineData("CreateSession")]
    [InlineData("Janus.Actors.Sessions.JanusSessionCommands+CreateSession, Janus.Actors")]
    public void An_unknown_manifest_fails_naming_the_manifest(string manifest)
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary("{}"u8.ToArray(), manifest));

        Assert.Contains($"'{manifest}'", error.Message);
    }

    [Fact]
    public void A_corrupt_payload_fails_naming_the_manifest()
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary("""{"key":"""u8.ToArray(), "get-session"));

        Assert.Contains("'get-session'", error.Message);
    }

    private SerializerWithStringManifest Serializer => (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(GetSession));

    /// <summary>Through the system's serialization as a remote node would: serializer id and manifest select the reader.</summary>
    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }
}
