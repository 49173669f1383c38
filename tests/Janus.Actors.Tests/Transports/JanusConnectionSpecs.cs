using System.Net.WebSockets;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportReports;

namespace Janus.Actors.Tests.Transports;

/// <summary>
/// The shared WebSockets (<see cref="JanusConnectionPool"/>, <see cref="JanusConnectionActor"/>) against a scripted
/// server. The test actor and probes play the sessions: they connect through the pool and send to the connection that
/// answered, and receive what a session would.
/// </summary>
[Collection(TransportSpecs.Name)]
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusConnectionSpecs(ITestOutputHelper output) : TransportSpec(output)
{
    private const string ServerInfo = """{"janus":"server_info","transaction":"%T%","session-timeout":60,"reclaim-session-timeout":30}""";

    private readonly FakeJanusWebSocketServer _janus = new();

    [Fact]
    public async Task Offers_janus_protocol_and_relays_a_request_and_its_reply()
    {
        var (transport, peer) = await ConnectAsync();
        Assert.Contains("janus-protocol", peer.OfferedSubProtocols);

        transport.Tell(new Send(JanusRequests.Create("t-1")));
        var request = JsonDocument.Parse(await peer.ReceiveAsync()).RootElement;
        Assert.Equal("create", request.GetProperty("janus").GetString());
        Assert.Equal("t-1", request.GetProperty("transaction").GetString());

        await peer.SendAsync("""{"janus":"success","transaction":"t-1","data":{"id":42}}""");
        var reply = await ExpectMsgAsync<Received>();
        Assert.Equal(("success", "t-1", 42L), (reply.Message.Janus, reply.Message.Transaction, reply.Message.Data!.Id));
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

        await peer.SendFramesAsync(type, """{"janus":"ev""", """ent","session_id":5,"sender":7,""", "\"plugindata\":{\"data\":{\"x\":1}}}");

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
        await peer.SendAsync("""{"janus":"event","session_id":5,"sender":7}""");

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
        await peer.SendAsync("""{"janus":"event","session_id":5,"sender":7}""");

        Assert.Equal(7L, (await ExpectMsgAsync<Received>()).Message.Sender);
        await AwaitAssertAsync(() => Assert.True(rejected.Count(JanusInbound.Oversized) >= 1));
    }

    [Fact]
    public async Task Forwards_message_types_it_does_not_know()
    {
        var (_, peer) = await ConnectAsync();

        await peer.SendAsync("""{"janus":"surprise","transaction":"t-9"}""");

        Assert.Equal("surprise", (await ExpectMsgAsync<Received>()).Message.Janus);
    }

    [Fact]
    public async Task Tells_its_sessions_when_Janus_closes_the_socket()
    {
        var (_, peer) = await ConnectAsync();

        await peer.CloseAsync();

        await ExpectMsgAsync<ConnectionLost>();
    }

    [Fact]
    public async Task Tells_its_sessions_when_the_connection_drops()
    {
        var (_, peer) = await ConnectAsync();

        peer.Drop();

        await ExpectMsgAsync<ConnectionLost>();
    }

    [Fact]
    public async Task Tells_the_waiting_sessions_when_nothing_listens()
    {
        var pool = Pool(Options() with { WebSocketUrl = new Uri($"ws://127.0.0.1:{LoopbackPorts.Free()}/") });

        pool.Tell(Connect.Instance);

        await ExpectMsgAsync<ConnectionLost>();
    }

    [Fact]
    public async Task Answers_a_send_before_connect_with_connection_lost()
    {
        var connection = Sys.ActorOf(JanusConnectionActor.Props(Options()));

        connection.Tell(new Send(JanusRequests.Create("t1")));

        await ExpectMsgAsync<ConnectionLost>();
    }

    [Fact]
    public async Task Many_sessions_share_one_handshake_and_one_info_request()
    {
        var pool = Pool(Options());
        var sessions = Enumerable.Range(0, 20).Select(_ => CreateTestProbe()).ToList();
        foreach (var session in sessions) session.Send(pool, Connect.Instance);

        var peer = await _janus.NextPeerAsync();
        await AnswerInfoAsync(peer);
        foreach (var session in sessions)
            Assert.Equal(30, (await session.ExpectMsgAsync<Connected>()).ServerInfo?.ServerReclaimSessionTimeout);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(_janus.NextPeerAsync); // no second socket
    }

    [Fact]
    public async Task Replies_and_events_reach_only_the_session_they_belong_to()
    {
        var pool = Pool(Options());
        var (firstProbe, secondProbe) = (CreateTestProbe(), CreateTestProbe());
        firstProbe.Send(pool, Connect.Instance);
        var peer = await _janus.NextPeerAsync();
        await AnswerInfoAsync(peer);
        await firstProbe.ExpectMsgAsync<Connected>();
        secondProbe.Send(pool, Connect.Instance);
        await secondProbe.ExpectMsgAsync<Connected>();
        var connection = firstProbe.LastSender;
        Assert.Equal(connection, secondProbe.LastSender); // one socket in this pool

        firstProbe.Send(connection, new Send(JanusRequests.Create("aaaa-1")));
        secondProbe.Send(connection, new Send(JanusRequests.KeepAlive("bbbb-1", 22)));
        await peer.ReceiveAsync();
        await peer.ReceiveAsync();
        // A create's reply carries no session id: routed by the transaction's prefix.
        await peer.SendAsync("""{"janus":"success","transaction":"aaaa-1","data":{"id":11}}""");
        firstProbe.Send(connection, new Send(JanusRequests.KeepAlive("aaaa-2", 11)));
        await peer.ReceiveAsync();
        // Events are routed by session id, whoever's transaction they carry (a request sent before a crash).
        await peer.SendAsync("""{"janus":"event","session_id":22,"sender":5,"transaction":"old-process-7"}""");
        await peer.SendAsync("""{"janus":"event","session_id":11,"sender":6}""");
        await peer.SendAsync("""{"janus":"event","session_id":99,"sender":7}"""); // nobody's: dropped

        Assert.Equal(11L, (await firstProbe.ExpectMsgAsync<Received>()).Message.Data!.Id);
        Assert.Equal(6L, (await firstProbe.ExpectMsgAsync<Received>()).Message.Sender);
        Assert.Equal(5L, (await secondProbe.ExpectMsgAsync<Received>()).Message.Sender);
        await firstProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        await secondProbe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_lost_socket_tells_every_session_on_it_and_the_next_connect_opens_a_fresh_one()
    {
        var pool = Pool(Options());
        var sessions = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToList();
        foreach (var session in sessions) session.Send(pool, Connect.Instance);
        var first = await _janus.NextPeerAsync();
        await AnswerInfoAsync(first);
        foreach (var session in sessions) await session.ExpectMsgAsync<Connected>();
        for (var i = 0; i < sessions.Count; i++) sessions[i].Send(sessions[i].LastSender, new Send(JanusRequests.KeepAlive($"c{i}-1", 100 + i)));
        for (var i = 0; i < sessions.Count; i++) await first.ReceiveAsync();

        first.Drop();
        foreach (var session in sessions) await session.ExpectMsgAsync<ConnectionLost>();

        // The first session claims again: the restarted connection opens a fresh socket for it.
        sessions[0].Send(pool, Connect.Instance);
        var second = await _janus.NextPeerAsync();
        await AnswerInfoAsync(second);
        await sessions[0].ExpectMsgAsync<Connected>();
        sessions[0].Send(sessions[0].LastSender, new Send(JanusRequests.Claim("d-1", 100)));
        Assert.Contains("\"claim\"", await second.ReceiveAsync());
        await second.SendAsync("""{"janus":"success","transaction":"d-1","session_id":100}""");
        Assert.Equal("d-1", (await sessions[0].ExpectMsgAsync<Received>()).Message.Transaction);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _janus.Dispose();
    }

    private JanusOptions Options() => new() { WebSocketUrl = _janus.Url, RequestTimeout = TimeSpan.FromSeconds(5), WebSocketConnections = 1 };

    private IActorRef Pool(JanusOptions options) => Sys.ActorOf(JanusConnectionPool.Props(options));

    /// <summary>The connection's first request on a new socket is <c>info</c>: answered as Janus would.</summary>
    private static async Task AnswerInfoAsync(FakeJanusWebSocketPeer peer)
    {
        var info = JsonDocument.Parse(await peer.ReceiveAsync()).RootElement;
        Assert.Equal("info", info.GetProperty("janus").GetString());
        await peer.SendAsync(ServerInfo.Replace("%T%", info.GetProperty("transaction").GetString()));
    }

    /// <summary>Connects the test actor, as a session, through a fresh pool; returns the connection that answered.</summary>
    private async Task<(IActorRef Connection, FakeJanusWebSocketPeer Peer)> ConnectAsync(JanusOptions? options = null)
    {
        Pool(options ?? Options()).Tell(Connect.Instance);
        var peer = await _janus.NextPeerAsync();
        await AnswerInfoAsync(peer);
        Assert.Equal(60, (await ExpectMsgAsync<Connected>()).ServerInfo?.ServerSessionTimeout);
        var transport = LastSender;
        // Janus session 5 is the test actor's from its first request on: events carrying it are routed here.
        transport.Tell(new Send(JanusRequests.KeepAlive("t-0", 5)));
        Assert.Contains("\"t-0\"", await peer.ReceiveAsync());
        return (transport, peer);
    }
}
