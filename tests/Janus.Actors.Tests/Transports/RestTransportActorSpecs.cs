using Janus.Actors.Servers;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportReports;

namespace Janus.Actors.Tests.Transports;

[Collection(TransportSpecs.Name)]
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class RestTransportActorSpecs(ITestOutputHelper output) : TransportSpec(output)
{
    private readonly FakeJanusHttpServer _janus = new();
    private volatile string? _refusal; // what a fenced node's JanusServers.ClaimRefusal says

    [Fact]
    public async Task Connects_at_once()
    {
        var transport = StartTransport(Props());

        transport.Tell(Connect.Instance);

        await ExpectMsgAsync(new Connected(JanusTransportKind.Rest));
    }

    [Fact]
    public async Task Posts_each_request_to_the_path_its_ids_name()
    {
        var transport = await ConnectAsync();
        var body = JsonDocument.Parse("""{"request":"list"}""").RootElement;

        transport.Tell(new Send(JanusRequests.Create("t1")));
        await AnswerAsync(await _janus.NextRequestAsync(), "/janus", "create", "t1");
        transport.Tell(new Send(JanusRequests.KeepAlive("t2", 5)));
        await AnswerAsync(await _janus.NextRequestAsync(), "/janus/5", "keepalive", "t2");
        transport.Tell(new Send(JanusRequests.Message("t3", 5, 7, body)));
        await AnswerAsync(await _janus.NextRequestAsync(), "/janus/5/7", "message", "t3");

        var replies = new[] { await ExpectMsgAsync<Received>(), await ExpectMsgAsync<Received>(), await ExpectMsgAsync<Received>() };
        Assert.Equal(["t1", "t2", "t3"], replies.Select(r => r.Message.Transaction).Order());
    }

    [Fact]
    public async Task Keeps_many_requests_in_flight_and_forwards_replies_as_they_come()
    {
        var transport = await ConnectAsync();

        transport.Tell(new Send(JanusRequests.KeepAlive("slow", 5)));
        transport.Tell(new Send(JanusRequests.KeepAlive("fast", 5)));
        var exchanges = new[] { await _janus.NextRequestAsync(), await _janus.NextRequestAsync() };
        var slow = exchanges.Single(e => e.Body.Contains("\"slow\""));
        var fast = exchanges.Single(e => e.Body.Contains("\"fast\""));

        await fast.RespondAsync(200, """{"janus":"ack","transaction":"fast"}""");
        Assert.Equal("fast", (await ExpectMsgAsync<Received>()).Message.Transaction);
        await slow.RespondAsync(200, """{"janus":"ack","transaction":"slow"}""");
        Assert.Equal("slow", (await ExpectMsgAsync<Received>()).Message.Transaction);
    }

    [Fact]
    public async Task Sends_the_configured_credentials_in_posts_and_polls()
    {
        var transport = await ConnectAsync(Options() with { ApiSecret = "s e/cret", Token = "tok" });

        transport.Tell(new Send(JanusRequests.KeepAlive("t1", 5)));
        var post = JsonDocument.Parse((await _janus.NextRequestAsync()).Body).RootElement;
        Assert.Equal(("s e/cret", "tok"), (post.GetProperty("apisecret").GetString(), post.GetProperty("token").GetString()));

        transport.Tell(new StartPolling(5));
        Assert.EndsWith("&apisecret=s%20e%2Fcret&token=tok", (await _janus.NextRequestAsync()).PathAndQuery);
    }

    [Fact]
    public async Task A_node_that_must_hold_back_sends_no_long_poll_until_it_may()
    {
        _refusal = "this node was paused for 39.0 s: the cluster may have given its sessions to other nodes";
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));

        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(1500))); // a poll would take the new owner's events
        _refusal = null;
        var poll = await _janus.NextRequestAsync();
        Assert.Equal(("GET", "/janus/5"), (poll.Method, poll.PathAndQuery.Split('?')[0]));
    }

    [Fact]
    public async Task Forwards_a_single_polled_event_and_polls_again()
    {
        var transport = await ConnectAsync(Options() with { LongPollMaxEvents = 1 });

        transport.Tell(new StartPolling(5));
        var poll = await _janus.NextRequestAsync();
        Assert.Equal(("GET", "/janus/5?maxev=1"), (poll.Method, poll.PathAndQuery));
        await poll.RespondAsync(200, """{"janus":"event","session_id":5,"sender":7}""");

        Assert.Equal(7L, (await ExpectMsgAsync<Received>()).Message.Sender);
        Assert.Equal("/janus/5?maxev=1", (await _janus.NextRequestAsync()).PathAndQuery);
    }

    [Fact]
    public async Task Forwards_a_polled_batch_in_order_without_keepalives()
    {
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        var poll = await _janus.NextRequestAsync();
        Assert.Equal("/janus/5?maxev=10", poll.PathAndQuery);
        await poll.RespondAsync(200, """
            [{"janus":"event","sender":1},{"janus":"keepalive"},{"janus":"webrtcup","sender":2},{"janus":"hangup","sender":3}]
            """);

        Assert.Equal([1L, 2L, 3L], new[]
        {
            (await ExpectMsgAsync<Received>()).Message.Sender,
            (await ExpectMsgAsync<Received>()).Message.Sender,
            (await ExpectMsgAsync<Received>()).Message.Sender,
        });
        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"keepalive"}]""");
        await (await _janus.NextRequestAsync()).RespondAsync(200, """{"janus":"keepalive"}""");
        await _janus.NextRequestAsync();
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Drain_forwards_every_queued_event_in_order_and_then_says_drained()
    {
        var transport = await ConnectAsync(Options() with { LongPollMaxEvents = 2 });

        transport.Tell(new Drain(5));
        // A full batch: more may be queued, so it polls again; a short one ends the drain without a third poll.
        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event","sender":1},{"janus":"event","sender":2}]""");
        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event","sender":3}]""");

        Assert.Equal([1L, 2L, 3L], new[]
        {
            (await ExpectMsgAsync<Received>()).Message.Sender,
            (await ExpectMsgAsync<Received>()).Message.Sender,
            (await ExpectMsgAsync<Received>()).Message.Sender,
        });
        Assert.Equal(5L, (await ExpectMsgAsync<Drained>()).JanusSessionId);
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Drain_of_an_empty_queue_says_drained_after_its_window_and_forwards_what_its_poll_brings_later()
    {
        var transport = await ConnectAsync(Options() with { RestDrainWindow = TimeSpan.FromMilliseconds(300) });

        transport.Tell(new Drain(5));
        var unanswered = await _janus.NextRequestAsync(); // Janus holds a long poll while nothing is queued

        Assert.Equal("/janus/5?maxev=10", unanswered.PathAndQuery);
        Assert.Equal(5L, (await ExpectMsgAsync<Drained>()).JanusSessionId);
        // Not cancelled at the window (Janus would keep its connection anyway): what it brings is the session's.
        Assert.Equal(1, _connections!.DrainsInFlight);
        await unanswered.RespondAsync(200, """[{"janus":"event","session_id":5,"sender":9}]""");
        Assert.Equal(9L, (await ExpectMsgAsync<Received>()).Message.Sender);
        await AwaitConditionAsync(() => Task.FromResult(_connections.DrainsInFlight == 0 && _connections.PollsInFlight == 0));
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Drain_without_a_connection_to_spare_says_drained_at_once_without_polling()
    {
        // Two request connections, this session's long poll, and the dead process's poll assumed still held: 4 of 4.
        var transport = await ConnectAsync(Options() with { RestRequestConnections = 2 }, restConnectionLimit: 4);

        transport.Tell(new Drain(5));

        Assert.Equal(5L, (await ExpectMsgAsync<Drained>()).JanusSessionId);
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Drain_with_a_connection_to_spare_polls()
    {
        var transport = await ConnectAsync(Options() with { RestRequestConnections = 2 }, restConnectionLimit: 5);

        transport.Tell(new Drain(5));

        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event","sender":1}]""");
        Assert.Equal(1L, (await ExpectMsgAsync<Received>()).Message.Sender);
        Assert.Equal(5L, (await ExpectMsgAsync<Drained>()).JanusSessionId);
    }

    [Fact]
    public async Task Drain_of_a_session_Janus_does_not_know_reports_it_gone()
    {
        var transport = await ConnectAsync();

        transport.Tell(new Drain(5));
        await (await _janus.NextRequestAsync()).RespondAsync(404);

        var gone = await ExpectMsgAsync<SessionGone>();
        Assert.Equal((5L, 458), (gone.JanusSessionId, gone.Code));
    }

    [Fact]
    public async Task Drops_a_malformed_poll_answer_and_polls_again()
    {
        using var rejected = new InboundRejectedRecorder();
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event",""");
        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event","sender":7}]""");

        Assert.Equal(7L, (await ExpectMsgAsync<Received>()).Message.Sender);
        Assert.True(rejected.Count(JanusInbound.Malformed) >= 1);
    }

    [Fact]
    public async Task Drops_an_oversized_reply_and_keeps_working()
    {
        using var rejected = new InboundRejectedRecorder();
        var transport = await ConnectAsync(Options() with { MaxMessageBytes = 1024 });

        transport.Tell(new Send(JanusRequests.KeepAlive("big", 5)));
        await (await _janus.NextRequestAsync()).RespondAsync(200, $$"""{"janus":"ack","transaction":"big","pad":"{{new string('x', 2000)}}"}""");
        transport.Tell(new Send(JanusRequests.KeepAlive("small", 5)));
        await (await _janus.NextRequestAsync()).RespondAsync(200, """{"janus":"ack","transaction":"small"}""");

        Assert.Equal("small", (await ExpectMsgAsync<Received>()).Message.Transaction);
        await AwaitAssertAsync(() => Assert.True(rejected.Count(JanusInbound.Oversized) >= 1)); // POSTs complete in any order
    }

    [Fact]
    public async Task Reports_a_session_Janus_does_not_know_and_stops_polling()
    {
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        await (await _janus.NextRequestAsync()).RespondAsync(404); // what Janus 1.1.2 answers

        var gone = await ExpectMsgAsync<SessionGone>();
        Assert.Equal((5L, 458), (gone.JanusSessionId, gone.Code));
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Reports_a_session_gone_answered_as_a_Janus_error()
    {
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        await (await _janus.NextRequestAsync()).RespondAsync(200, """{"janus":"error","session_id":5,"error":{"code":458,"reason":"No such session 5"}}""");

        Assert.Equal(new SessionGone(5, 458, "No such session 5"), await ExpectMsgAsync<SessionGone>());
    }

    [Fact]
    public async Task StartPolling_while_a_poll_is_out_sends_no_second_one()
    {
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        var poll = await _janus.NextRequestAsync();
        transport.Tell(new StartPolling(5));

        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
        await poll.RespondAsync(200, """[{"janus":"event","session_id":5,"sender":1}]""");
        Assert.Equal(1L, (await ExpectMsgAsync<Received>()).Message.Sender);
        Assert.Equal("/janus/5?maxev=10", (await _janus.NextRequestAsync()).PathAndQuery);
    }

    [Fact]
    public async Task StopPolling_forwards_what_the_poll_out_brings_and_polls_no_more()
    {
        var transport = await ConnectAsync();

        transport.Tell(new StartPolling(5));
        var poll = await _janus.NextRequestAsync();
        transport.Tell(StopPolling.Instance);
        await poll.RespondAsync(200, """[{"janus":"detached","session_id":5,"sender":1}]""");

        Assert.Equal("detached", (await ExpectMsgAsync<Received>()).Message.Janus);
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
        transport.Tell(new StartPolling(5));
        Assert.Equal("/janus/5?maxev=10", (await _janus.NextRequestAsync()).PathAndQuery);
    }

    [Fact]
    public async Task A_long_poll_is_not_cancelled_when_the_transport_stops()
    {
        var transport = await ConnectAsync();
        transport.Tell(new StartPolling(5));
        var poll = await _janus.NextRequestAsync();
        Watch(transport);

        Sys.Stop(transport);
        await ExpectTerminatedAsync(transport);

        // Janus keeps a poll's connection until it answers it, whatever the client does: so does the count.
        await Task.Delay(200);
        Assert.Equal(1, _connections!.PollsInFlight);
        await poll.RespondAsync(200, """{"janus":"keepalive"}""");
        await AwaitConditionAsync(() => Task.FromResult(_connections.PollsInFlight == 0));
    }

    [Fact]
    public async Task A_post_Janus_cannot_be_reached_for_fails_that_request_and_the_transport_goes_on()
    {
        var transport = await ConnectAsync(Options() with { RestUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/janus") });

        transport.Tell(new Send(JanusRequests.Create("t1")));

        var failed = await ExpectMsgAsync<SendFailed>();
        Assert.Equal("t1", failed.Transaction);
        Assert.StartsWith("POST create", failed.Reason);
        Assert.Contains("Connection refused", failed.Reason);
        Assert.Contains("unreachable over REST", (await ExpectMsgAsync<ConnectionLost>()).Reason);
        transport.Tell(new Send(JanusRequests.Create("t2")));
        Assert.Equal("t2", (await ExpectMsgAsync<SendFailed>()).Transaction);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200)); // the server's outage is told once
    }

    [Fact]
    public async Task Every_REST_session_of_a_server_hears_once_that_it_is_unreachable_and_again_after_it_answered()
    {
        var first = await ConnectAsync();
        var second = StartTransport(RestTransportActor.Props(Options(), _connections!, () => _refusal));
        second.Tell(Connect.Instance);
        await ExpectMsgAsync<Connected>();

        first.Tell(new Send(JanusRequests.KeepAlive("k1", 5)));
        await (await _janus.NextRequestAsync()).RespondAsync(502);
        Assert.Equal("k1", (await ExpectMsgAsync<SendFailed>()).Transaction);
        var told = new List<IActorRef>();
        for (var i = 0; i < 2; i++)
        {
            await ExpectMsgAsync<ConnectionLost>();
            told.Add(LastSender);
        }
        Assert.Equal(new[] { first, second }.OrderBy(t => t.Path.ToString()), told.OrderBy(t => t.Path.ToString()));
        second.Tell(new Send(JanusRequests.KeepAlive("k2", 5)));
        await (await _janus.NextRequestAsync()).RespondAsync(502);
        Assert.Equal("k2", (await ExpectMsgAsync<SendFailed>()).Transaction);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        second.Tell(new Send(JanusRequests.KeepAlive("k3", 5)));
        await AnswerAsync(await _janus.NextRequestAsync(), "/janus/5", "keepalive", "k3");
        await ExpectMsgAsync<Received>();
        first.Tell(new Send(JanusRequests.KeepAlive("k4", 5)));
        await (await _janus.NextRequestAsync()).RespondAsync(502);
        await ExpectMsgAsync<SendFailed>();
        await ExpectMsgAsync<ConnectionLost>();
        await ExpectMsgAsync<ConnectionLost>();
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(404, false)] // e.g. a wrong base path
    [InlineData(502, true)] // a proxy that cannot reach Janus
    [InlineData(504, true)]
    public async Task A_post_answered_with_an_HTTP_error_fails_that_request_and_the_transport_goes_on(int status, bool unreachable)
    {
        var transport = await ConnectAsync();

        transport.Tell(new Send(JanusRequests.Create("t1")));
        await (await _janus.NextRequestAsync()).RespondAsync(status);

        var failed = await ExpectMsgAsync<SendFailed>();
        Assert.Equal(("t1", unreachable), (failed.Transaction, failed.Unreachable));
        Assert.Contains($"HTTP {status}", failed.Reason);
        if (unreachable) await ExpectMsgAsync<ConnectionLost>();
        transport.Tell(new Send(JanusRequests.KeepAlive("t2", 5)));
        await AnswerAsync(await _janus.NextRequestAsync(), "/janus/5", "keepalive", "t2");
        Assert.Equal("t2", (await ExpectMsgAsync<Received>()).Message.Transaction);
    }

    [Fact]
    public async Task A_poll_that_fails_says_the_server_is_unreachable_and_is_sent_again_after_a_backoff()
    {
        var transport = await ConnectAsync(Options() with { MinReclaimBackoff = TimeSpan.FromMilliseconds(100) });

        transport.Tell(new StartPolling(5));
        await (await _janus.NextRequestAsync()).RespondAsync(503);

        Assert.Contains("HTTP 503", (await ExpectMsgAsync<ConnectionLost>()).Reason);
        var again = await _janus.NextRequestAsync();
        Assert.Equal(("GET", "/janus/5?maxev=10"), (again.Method, again.PathAndQuery));
        await again.RespondAsync(200, """[{"janus":"event","sender":3}]""");
        Assert.Equal(3L, (await ExpectMsgAsync<Received>()).Message.Sender);
    }

    [Fact]
    public async Task A_poll_Janus_closes_without_an_answer_is_sent_again_and_says_nothing_of_the_server()
    {
        var transport = await ConnectAsync(Options() with { MinReclaimBackoff = TimeSpan.FromMilliseconds(100) });

        transport.Tell(new StartPolling(5));
        (await _janus.NextRequestAsync()).CloseWithoutAnswer(); // the session destroyed as an event reached it (janus_http.c)

        await (await _janus.NextRequestAsync()).RespondAsync(200, """[{"janus":"event","sender":4}]""");
        Assert.Equal(4L, (await ExpectMsgAsync<Received>()).Message.Sender); // no ConnectionLost before it
    }

    [Fact]
    public async Task Requests_beyond_the_request_connections_wait_for_one()
    {
        var transport = await ConnectAsync(Options() with { RestRequestConnections = 3 }); // two for requests, one for the info probe

        foreach (var transaction in new[] { "a", "b", "c" })
            transport.Tell(new Send(JanusRequests.KeepAlive(transaction, 5)));
        var first = await _janus.NextRequestAsync();
        var second = await _janus.NextRequestAsync();

        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(3, _connections!.RequestsInFlight);
        await first.RespondAsync(200, """{"janus":"ack"}""");
        var third = await _janus.NextRequestAsync();
        await second.RespondAsync(200, """{"janus":"ack"}""");
        await third.RespondAsync(200, """{"janus":"ack"}""");
        await AwaitConditionAsync(() => Task.FromResult(_connections.RequestsInFlight == 0));
    }

    [Fact]
    public async Task Fails_on_a_send_before_connect()
    {
        var transport = StartTransport(Props());

        transport.Tell(new Send(JanusRequests.Create("t1")));

        await ExpectMsgAsync<JanusTransportException>();
    }

    [Fact]
    public async Task Ignores_what_requests_of_a_previous_incarnation_bring()
    {
        var transport = StartTransport(Props(), Directive.Restart);
        transport.Tell(Connect.Instance);
        await ExpectMsgAsync<Connected>();
        transport.Tell(new Send(JanusRequests.KeepAlive("old", 5)));
        transport.Tell(new StartPolling(5));
        var pending = new[] { await _janus.NextRequestAsync(), await _janus.NextRequestAsync() };

        transport.Tell(Kill.Instance);
        await ExpectMsgAsync<ActorKilledException>();
        transport.Tell(Connect.Instance);
        await ExpectMsgAsync<Connected>();
        foreach (var exchange in pending)
            await exchange.RespondAsync(200, """{"janus":"ack","transaction":"old"}""");

        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(await _janus.StaysQuietAsync(TimeSpan.FromMilliseconds(100)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _janus.Dispose();
        _connections?.Dispose();
    }

    private JanusRestConnections? _connections;

    private JanusOptions Options() => new() { RestUrl = _janus.RestUrl, RequestTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>The transport on the server's connections (one per spec, as a node has one per server).</summary>
    private Props Props(JanusOptions? options = null, int restConnectionLimit = JanusServerSettings.DefaultRestConnectionLimit)
    {
        options ??= Options();
        _connections = new JanusRestConnections(JanusServerSettings.DefaultName, restConnectionLimit, options.RestRequestConnections, Sys.Log);
        return RestTransportActor.Props(options, _connections, () => _refusal);
    }

    private async Task<IActorRef> ConnectAsync(JanusOptions? options = null, int restConnectionLimit = JanusServerSettings.DefaultRestConnectionLimit)
    {
        var transport = StartTransport(Props(options, restConnectionLimit));
        transport.Tell(Connect.Instance);
        await ExpectMsgAsync(new Connected(JanusTransportKind.Rest));
        return transport;
    }

    private static async Task AnswerAsync(FakeHttpExchange exchange, string path, string janus, string transaction)
    {
        Assert.Equal(("POST", path), (exchange.Method, exchange.PathAndQuery));
        var request = JsonDocument.Parse(exchange.Body).RootElement;
        Assert.Equal((janus, transaction), (request.GetProperty("janus").GetString(), request.GetProperty("transaction").GetString()));
        await exchange.RespondAsync(200, $$"""{"janus":"success","transaction":"{{transaction}}"}""");
    }
}
