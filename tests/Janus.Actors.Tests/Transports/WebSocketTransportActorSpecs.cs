using System.Net.WebSockets;
using System.Text.Json;
using Akka.Actor;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using Xunit;
using Xunit.Abstractions;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportEvents;

namespace Janus.Actors.Tests.Transports;

[Collection(TransportSpecs.Name)]
public sealed class WebSocketTransportActorSpecs(ITestOutputHelper output) : TransportSpec(output)
{
    private readonly FakeJanusWebSocketServer _janus = new();

    [Fact]
    public async Task Offers_janus_protocol_and_relays_a_request_and_its_reply()
    {
        var (transport, peer) = await ConnectAsync();
        Assert.Contains("janus-protocol", peer.OfferedSubProtocols);

        transport.Tell(new Send(JanusRequests.Create("t1")));
        var request = JsonDocument.Parse(await peer.ReceiveAsync()).RootElement;
        Assert.Equal("create", request.GetProperty("janus").GetString());
        Assert.Equal("t1", request.GetProperty("transaction").GetString());

        await peer.SendAsync("""{"janus":"success","transaction":"t1","data":{"id":42}}""");
        var reply = await ExpectMsgAsync<Received>();
        Assert.Equal(("success", "t1", 42L), (reply.Message.Janus, reply.Message.Transaction, reply.Message.Data!.Id));
    }

    [Fact]
    public async Task Adds_the_configured_api_secret_to_requests()
    {
        var (transport, peer) = await ConnectAsync(Options() with { ApiSecret = "s3cret" });

        transport.Tell(new Send(JanusRequests.KeepAlive("t1", 5)));

        var request = JsonDocument.Parse(await peer.ReceiveAsync()).RootElement;
        Assert.Equal("s3cret", request.GetProperty("apisecret").GetString());
    }

    [Fact]
    public async Task Writes_requests_in_the_order_they_were_sent()
    {
        var (transport, peer) = await ConnectAsync();

        for (var i = 0; i < 200; i++)
            transport.Tell(new Send(JanusRequests.KeepAlive($"t{i}", 5)));

        for (var i = 0; i < 200; i++)
            Assert.Equal($"t{i}", JsonDocument.Parse(await peer.ReceiveAsync()).RootElement.GetProperty("transaction").GetString());
    }

    [Theory]
    [InlineData(WebSocketMessageType.Text)]
    [InlineData(WebSocketMessageType.Binary)]
    public async Task Reassembles_a_message_sent_in_several_frames(WebSocketMessageType type)
    {
        var (_, peer) = await ConnectAsync();

        await peer.SendFramesAsync(type, """{"janus":"ev""", """ent","sender":7,""", "\"plugindata\":{\"data\":{\"x\":1}}}");

        var message = (await ExpectMsgAsync<Received>()).Message;
        Assert.Equal(("event", 7L), (message.Janus, message.Sender));
        Assert.Equal(1, message.PluginData!.Value.GetProperty("data").GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task Drops_what_is_not_a_Janus_message_and_keeps_reading()
    {
        using var rejected = new InboundRejectedRecorder();
        var (_, peer) = await ConnectAsync();

        await peer.SendAsync("""{"janus":"event", oops""");
        await peer.SendAsync("""[1,2,3]""");
        await peer.SendAsync("""{"transaction":"no janus member"}""");
        await peer.SendAsync("""{"janus":"event","sender":7}""");

        Assert.Equal(7L, (await ExpectMsgAsync<Received>()).Message.Sender);
        await AwaitAssertAsync(() => Assert.True(rejected.Count(JanusInbound.Malformed) >= 3));
    }

    [Fact]
    public async Task Drops_an_oversized_message_and_keeps_reading()
    {
        using var rejected = new InboundRejectedRecorder();
        var (_, peer) = await ConnectAsync(Options() with { MaxMessageBytes = 1024 });

        var padding = new string('x', 1000);
        await peer.SendFramesAsync(WebSocketMessageType.Text,
            $$"""{"janus":"event","pad":"{{padding}}""", padding, padding, padding, padding, "\"}");
        await peer.SendAsync("""{"janus":"event","sender":7}""");

        Assert.Equal(7L, (await ExpectMsgAsync<Received>()).Message.Sender);
        await AwaitAssertAsync(() => Assert.True(rejected.Count(JanusInbound.Oversized) >= 1));
    }

    [Fact]
    public async Task Forwards_message_types_it_does_not_know()
    {
        var (_, peer) = await ConnectAsync();

        await peer.SendAsync("""{"janus":"surprise","transaction":"t9"}""");

        Assert.Equal("surprise", (await ExpectMsgAsync<Received>()).Message.Janus);
    }

    [Fact]
    public async Task Fails_when_Janus_closes_the_socket()
    {
        var (_, peer) = await ConnectAsync();

        await peer.CloseAsync();

        await ExpectMsgAsync<JanusTransportException>();
    }

    [Fact]
    public async Task Fails_when_the_connection_drops()
    {
        var (_, peer) = await ConnectAsync();

        peer.Drop();

        await ExpectMsgAsync<JanusTransportException>();
    }

    [Fact]
    public async Task Fails_when_nothing_listens()
    {
        var transport = StartTransport(WebSocketTransportActor.Props(
            Options() with { WebSocketUrl = new Uri($"ws://127.0.0.1:{LoopbackPorts.Free()}/") }));

        transport.Tell(Connect.Instance);

        await ExpectMsgAsync<JanusTransportException>();
    }

    [Fact]
    public async Task Fails_on_a_send_before_connect()
    {
        var transport = StartTransport(WebSocketTransportActor.Props(Options()));

        transport.Tell(new Send(JanusRequests.Create("t1")));

        await ExpectMsgAsync<JanusTransportException>();
    }

    [Fact]
    public async Task Connects_again_after_a_restart_and_hears_nothing_from_the_old_socket()
    {
        var transport = StartTransport(WebSocketTransportActor.Props(Options()), Directive.Restart);
        transport.Tell(Connect.Instance);
        var first = await _janus.NextPeerAsync();
        await ExpectMsgAsync<Connected>();

        transport.Tell(Kill.Instance);
        await ExpectMsgAsync<ActorKilledException>();
        await Assert.ThrowsAnyAsync<Exception>(first.ReceiveAsync); // the old socket was dropped

        transport.Tell(Connect.Instance);
        var second = await _janus.NextPeerAsync();
        await ExpectMsgAsync<Connected>();
        transport.Tell(new Send(JanusRequests.Create("t2")));
        Assert.Contains("\"t2\"", await second.ReceiveAsync());
        await second.SendAsync("""{"janus":"success","transaction":"t2","data":{"id":1}}""");
        Assert.Equal("t2", (await ExpectMsgAsync<Received>()).Message.Transaction);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _janus.Dispose();
    }

    private JanusOptions Options() => new() { WebSocketUrl = _janus.Url, RequestTimeout = TimeSpan.FromSeconds(5) };

    private async Task<(IActorRef Transport, FakeJanusWebSocketPeer Peer)> ConnectAsync(JanusOptions? options = null)
    {
        var transport = StartTransport(WebSocketTransportActor.Props(options ?? Options()));
        transport.Tell(Connect.Instance);
        var peer = await _janus.NextPeerAsync();
        await ExpectMsgAsync(new Connected(JanusTransportKind.WebSocket));
        return (transport, peer);
    }
}
