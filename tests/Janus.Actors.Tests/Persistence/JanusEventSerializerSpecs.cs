using System.Runtime.Serialization;
using Akka.Serialization;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Tests.Persistence;

/// <summary>The journal format of session events: what is written must read back, today and after refactorings.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusEventSerializerSpecs() : Akka.TestKit.Xunit2.TestKit(JanusPersistence.DefaultConfig)
{
    /// <summary>Every event type with its manifest and exact JSON: the persisted format, pinned.</summary>
    public static TheoryData<IJanusSessionEvent, string, string> Formats => new()
    {
        { new SessionCreated(8_745_512_093_211_346, JanusTransportKind.WebSocket, Adopted: false), "created-v2", """{"janusSessionId":8745512093211346,"transport":"webSocket","adopted":false,"server":"default"}""" },
        { new SessionCreated(42, JanusTransportKind.Rest, Adopted: true, Server: "janus-b"), "created-v2", """{"janusSessionId":42,"transport":"rest","adopted":true,"server":"janus-b"}""" },
        { new HandleAttached(77, "janus.plugin.videoroom", "alice-publisher"), "handle-attached", """{"handleId":77,"plugin":"janus.plugin.videoroom","opaqueId":"alice-publisher"}""" },
        { new HandleAttached(78, "janus.plugin.echotest", null), "handle-attached", """{"handleId":78,"plugin":"janus.plugin.echotest"}""" },
        { new HandleDetached(77), "handle-detached", """{"handleId":77}""" },
        {
            new HandleContextChanged(77, new HandleContext { Role = "account", Identity = "sip:alice@192.0.2.7", Proxy = "sip:192.0.2.1" }), "handle-context",
            """{"handleId":77,"context":{"role":"account","identity":"sip:alice@192.0.2.7","proxy":"sip:192.0.2.1"}}"""
        },
        {
            new HandleContextChanged(78, new HandleContext
            {
                Role = "publisher", Room = 1234, Id = 4711, Display = "alice",
                Participants = [new RoomParticipant(4712, "bob") { Publisher = true }, new RoomParticipant(4713, "carol") { Publisher = false }],
            }), "handle-context",
            """{"handleId":78,"context":{"role":"publisher","room":1234,"id":4711,"display":"alice","participants":[{"id":4712,"display":"bob","publisher":true},{"id":4713,"display":"carol","publisher":false}]}}"""
        },
        { new HandleContextChanged(79, null), "handle-context", """{"handleId":79}""" },
        { new SessionLost(458, "No such session"), "lost", """{"code":458,"reason":"No such session"}""" },
        { new SessionLost(null, "reclaim deadline passed"), "lost", """{"reason":"reclaim deadline passed"}""" },
        { new SessionDestroyed(), "destroyed", "{}" },
        { new SessionDestroyed(new DateTimeOffset(2026, 12, 7, 4, 5, 6, TimeSpan.Zero)), "destroyed", """{"at":"2026-12-07T04:05:06+00:00"}""" },
        { new SessionLost(458, "No such session", new DateTimeOffset(2026, 12, 7, 4, 5, 6, TimeSpan.Zero)), "lost", """{"code":458,"reason":"No such session","at":"2026-12-07T04:05:06+00:00"}""" },
    };

    private SerializerWithStringManifest Serializer => (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SessionCreated));

    [Fact]
    public void Session_events_are_bound_to_the_janus_serializer_with_its_fixed_id()
    {
        Assert.IsType<JanusEventSerializer>(Serializer);
        Assert.Equal(4711, Serializer.Identifier);
        Assert.All(EventTypes(), type => Assert.Same(Serializer, Sys.Serialization.FindSerializerForType(type)));
    }

    [Fact]
    public void A_created_event_journaled_before_servers_had_names_replays_on_the_default_server()
    {
        var old = Serializer.FromBinary("""{"janusSessionId":42,"transport":"rest","adopted":true}"""u8.ToArray(), "created");

        Assert.Equal(new SessionCreated(42, JanusTransportKind.Rest, Adopted: true, Server: "default"), old);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_event_round_trips(IJanusSessionEvent e, string manifest, string _)
    {
        var bytes = Serializer.ToBinary(e);

        Assert.Equal(manifest, Serializer.Manifest(e));
        Assert.Equal(e, Serializer.FromBinary(bytes, manifest));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Events_are_written_as_camel_case_json_under_a_short_manifest(IJanusSessionEvent e, string manifest, string json)
    {
        Assert.Equal(manifest, Serializer.Manifest(e));
        Assert.Equal(json, Encoding.UTF8.GetString(Serializer.ToBinary(e)));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Stored_json_reads_back_as_the_type_its_manifest_names(IJanusSessionEvent e, string manifest, string json)
    {
        Assert.Equal(e, Serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));
    }

    [Fact]
    public void The_manifest_not_the_payload_selects_the_type()
    {
        var payload = """{"handleId":77}"""u8.ToArray();

        Assert.IsType<HandleDetached>(Serializer.FromBinary(payload, "handle-detached"));
        Assert.IsType<SessionDestroyed>(Serializer.FromBinary(payload, "destroyed"));
    }

    [Fact]
    public void Every_session_event_type_has_a_pinned_format()
    {
        var pinned = Formats.Select(row => row[0].GetType()).ToHashSet();

        Assert.Equal(EventTypes().OrderBy(t => t.Name), pinned.OrderBy(t => t.Name));
    }

    [Theory]
    [InlineData("session-created")]
    [InlineData("Janus.Actors.Sessions.JanusSessionEvents+SessionCreated, Janus.Actors")]
    public void An_unknown_manifest_fails_naming_the_manifest(string manifest)
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary("{}"u8.ToArray(), manifest));

        Assert.Contains($"'{manifest}'", error.Message);
    }

    [Fact]
    public void A_corrupt_payload_fails_naming_the_manifest()
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary("{\"handleId\":"u8.ToArray(), "handle-detached"));

        Assert.Contains("'handle-detached'", error.Message);
    }

    private static IEnumerable<Type> EventTypes() =>
        typeof(IJanusSessionEvent).Assembly.GetTypes().Where(t => t is { IsInterface: false, IsAbstract: false } && t.IsAssignableTo(typeof(IJanusSessionEvent)));
}
