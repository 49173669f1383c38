using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Janus.Actors.Protocol;
using Janus.Actors.Registry;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Tests.Sessions;

/// <summary>
/// The session actor's protocol against a scripted transport: ordering guarantees (persist before reply,
/// claim before keep-alive), failure paths Janus cannot be made to produce on demand, and timers.
/// The real-Janus proofs live in the integration specs.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusSessionActorSpecs : TestKit
{
    private const string Hocon = """
        akka.loglevel = INFO
        akka.logger-formatter = "Akka.Event.SemanticLogMessageFormatter, Akka"
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        # The whole suite shares 2 cores with real Janus and host processes: waits are generous, never fixed.
        akka.test.single-expect-default = 10s
        """;

    private static readonly JanusOptions Options = new()
    {
        WebSocketUrl = new Uri("ws://127.0.0.1:1/"),
        KeepAliveInterval = TimeSpan.FromMilliseconds(150),
        // The scripted transport answers no keep-alive: only the spec about missed keep-alives lowers this.
        MaxMissedKeepAlives = int.MaxValue,
        RequestTimeout = TimeSpan.FromSeconds(3),
        MinReclaimBackoff = TimeSpan.FromMilliseconds(50),
        MaxReclaimBackoff = TimeSpan.FromMilliseconds(200),
        AssumedReclaimTimeout = TimeSpan.FromSeconds(30),
        ApiSecret = "s3cret",
    };

    private readonly TestProbe _transport;
    private readonly TestProbe _registry;
    private readonly TestProbe _serverNews;

    public JanusSessionActorSpecs() : base(Hocon)
    {
        _transport = CreateTestProbe("transport");
        _registry = CreateTestProbe("registry");
        _serverNews = CreateTestProbe("server-news");
        // The one server takes every session (placement proper is JanusServerBoard's, with its own specs).
        _registry.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            if (message is PlaceSession) sender.Tell(new SessionPlaced(JanusServerSettings.DefaultName, null));
            return AutoPilot.KeepRunning;
        }));
    }

    private IActorRef _lastTransport = ActorRefs.Nobody;
    private volatile string? _refusal; // what a fenced cluster node's JanusServers.ClaimRefusal says

    private IActorRef StartSession(string key, JanusOptions? options = null, bool refuseConnections = false) =>
        Sys.ActorOf(SessionProps(key, options, refuseConnections));

    private Props SessionProps(string key, JanusOptions? options = null, bool refuseConnections = false)
    {
        var janus = options ?? Options;
        var server = new JanusServerLink(new JanusServerSettings { WebSocketUrl = janus.WebSocketUrl }, janus,
            Sys.ActorOf(FakeConnection.Home(_transport, refuseConnections, _serverNews)));
        return JanusSessionActor.Props(key, janus, _registry.Ref, new JanusServers([server]) { ClaimRefusal = () => _refusal });
    }

    /// <summary>Waits for the (next) Connect, skipping what an earlier incarnation sent, and answers it.</summary>
    private void ConnectTransport()
    {
        _transport.FishForMessage<JanusTransportCommands.Connect>(_ => true);
        _lastTransport = _transport.LastSender;
        Answer(new JanusTransportReports.Connected(JanusTransportKind.WebSocket));
    }

    /// <summary>The next request of this kind; keep-alives and info requests in between are skipped.</summary>
    private JanusRequest ExpectRequest(string janus)
    {
        var request = _transport.FishForMessage<JanusTransportCommands.Send>(s => s.Request.Janus == janus).Request;
        _lastTransport = _transport.LastSender;
        return request;
    }

    /// <summary>Delivers a message to the session from its current transport.</summary>
    private void Answer(object fromJanus) => _lastTransport.Tell(new FakeConnection.ToSession(fromJanus));

    private JanusSessionInfo ExpectState(JanusSessionStatus state) =>
        _registry.FishForMessage<SessionChanged>(c => c.Info.State == state).Info;

    private IActorRef CreateActiveSession(string key, long janusId, JanusOptions? options = null)
    {
        var session = StartSession(key, options);
        session.Tell(new CreateSession(key, JanusTransportKind.WebSocket));
        ConnectTransport();
        var create = ExpectRequest("create");
        Answer(JanusFrames.CreateSuccess(create.Transaction, janusId));
        var info = ExpectMsg<JanusSessionInfo>();
        Assert.Equal(JanusSessionStatus.Active, info.State);
        return session;
    }

    private void Crash(IActorRef session)
    {
        Watch(session);
        Sys.Stop(session);
        ExpectTerminated(session);
    }

    [Fact]
    public void Create_answers_with_the_new_id_and_keeps_it_alive_with_credentials()
    {
        CreateActiveSession("call-1", 4242);

        var keepAlive = ExpectRequest("keepalive");
        Assert.Equal(4242, keepAlive.SessionId);
        Assert.Equal("s3cret", keepAlive.ApiSecret);
        Assert.DoesNotContain("s3cret", keepAlive.ToString());
    }

    [Fact]
    public void Recovered_session_claims_its_id_before_sending_any_keep_alive()
    {
        Crash(CreateActiveSession("call-1", 4242));

        StartSession("call-1");
        ExpectState(JanusSessionStatus.Reclaiming);
        ConnectTransport();
        var claim = _transport.ExpectMsg<JanusTransportCommands.Send>().Request;
        Assert.Equal("claim", claim.Janus);
        _lastTransport = _transport.LastSender;
        Assert.Equal(4242, claim.SessionId);
        // Three keep-alive periods without an answer to the claim: no keep-alive may go out yet.
        _transport.ExpectNoMsg(TimeSpan.FromMilliseconds(450));

        Answer(JanusFrames.ClaimSuccess(claim.Transaction, 4242));
        Assert.Equal(4242, ExpectRequest("keepalive").SessionId);
        Assert.Equal(4242, ExpectState(JanusSessionStatus.Active).JanusSessionId);
        _registry.FishForMessage<Publish>(p => p.Notice is SessionReclaimed { EventsMayHaveBeenMissed: true });
    }

    [Fact]
    public void Claim_answered_458_ends_the_session_as_lost_and_no_later_recovery_claims_it()
    {
        Crash(CreateActiveSession("call-1", 4242));
        var session = StartSession("call-1");
        Watch(session);
        ConnectTransport();
        var claim = ExpectRequest("claim");

        Answer(JanusFrames.Error(claim.Transaction, 458, "No such session 4242"));

        var lost = ExpectState(JanusSessionStatus.Lost);
        Assert.Equal(new JanusSessionError(458, "No such session 4242"), lost.LastError);
        _registry.FishForMessage<Publish>(p => p.Notice is SessionEnded { State: JanusSessionStatus.Lost });
        // Its server's home hears how the reclaim ended (it says "restarted" once for the server when all its claims do).
        _serverNews.FishForMessage<JanusServerActor.Claiming>(r => r.Key == "call-1");
        Assert.Equal(new JanusServerActor.ClaimEnded("call-1", 458, ServerRestarted: false), _serverNews.ExpectMsg<JanusServerActor.ClaimEnded>());
        // It answers whatever reaches it until its region, to which it passivated, tells it to stop.
        session.Tell(new SendPluginMessage("call-1", 1, System.Text.Json.JsonDocument.Parse("{}").RootElement));
        Assert.Equal(JanusSessionStatus.Lost, Assert.IsType<JanusSessionUnavailableException>(ExpectMsg<Status.Failure>().Cause).State);
        session.Tell(StopEndedSession.Instance);
        ExpectTerminated(session, TimeSpan.FromSeconds(5));

        StartSession("call-1");
        Assert.Equal(458, ExpectState(JanusSessionStatus.Lost).LastError?.Code);
        _transport.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_connection_lost_during_a_claim_retries_with_backoff()
    {
        Crash(CreateActiveSession("call-1", 4242));
        StartSession("call-1");
        _transport.FishForMessage<JanusTransportCommands.Connect>(_ => true);
        _transport.Reply(new FakeConnection.Fail("connection refused"));

        // The session connects again after its backoff and claims the same id.
        ConnectTransport();
        var claim = ExpectRequest("claim");
        Assert.Equal(4242, claim.SessionId);
        Answer(JanusFrames.ClaimSuccess(claim.Transaction, 4242));
        Assert.Equal(4242, ExpectState(JanusSessionStatus.Active).JanusSessionId);
    }

    [Fact]
    public void A_reclaim_window_that_lapses_while_Janus_is_unreachable_ends_the_session_lost_without_retrying()
    {
        var options = Options with { AssumedReclaimTimeout = TimeSpan.FromMilliseconds(400), MinReclaimBackoff = TimeSpan.FromMilliseconds(150) };
        var session = StartSession("call-1", options);
        session.Tell(new CreateSession("call-1", JanusTransportKind.WebSocket));
        ConnectTransport();
        Answer(JanusFrames.CreateSuccess(ExpectRequest("create").Transaction, 4242));
        ExpectMsg<JanusSessionInfo>();
        Crash(session);

        _transport.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m); // what the first incarnation sent
        StartSession("call-1", options, refuseConnections: true);

        var lost = ExpectState(JanusSessionStatus.Lost);
        Assert.Null(lost.LastError?.Code);
        Assert.Contains("its reclaim window has lapsed", lost.LastError?.Reason);
        // 150 ms, 300 ms, 600 ms...: only the attempts that fit in the 400 ms window were made.
        var connects = _transport.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m).Count(m => m is JanusTransportCommands.Connect);
        Assert.InRange(connects, 1, 3);
    }

    [Fact]
    public void A_458_that_overtakes_the_answer_to_its_own_destroy_ends_the_session_destroyed_not_lost()
    {
        // Over REST the destroy's answer and a long poll's (or a keep-alive's) 458 travel on different connections: the
        // 458 Janus gives once the destroy took effect can arrive first (seen once in 5,000 REST calls).
        var session = CreateActiveSession("call-1", 4242);
        session.Tell(new DestroySession("call-1"));
        var destroy = ExpectRequest("destroy");
        Answer(new JanusTransportReports.SessionGone(4242, 458, "No such session 4242"));
        Answer(JanusFrames.Parse($$$"""{"janus":"success","transaction":"{{{destroy.Transaction}}}","session_id":4242}"""));

        ExpectMsg<CommandDone>();
        ExpectState(JanusSessionStatus.Destroyed);
    }

    [Fact]
    public void Unanswered_keep_alives_reconnect_and_claim_again()
    {
        CreateActiveSession("call-1", 4242, Options with { MaxMissedKeepAlives = 2 });
        // Answer nothing: after MaxMissedKeepAlives the transport is declared dead. The keep-alives themselves are not
        // awaited: on a starved machine the ticks queue up, and the restart stops the transport before it passes them on.
        ConnectTransport();
        var claim = ExpectRequest("claim");
        Assert.Equal(4242, claim.SessionId);
    }

    [Fact]
    public void Plugin_message_returns_the_asynchronous_event_that_follows_the_ack()
    {
        var session = CreateActiveSession("call-1", 4242);
        session.Tell(new SendPluginMessage("call-1", 77, JsonDocument.Parse("""{"audio":true}""").RootElement));
        var message = ExpectRequest("message");
        Assert.Equal(77, message.HandleId);

        Answer(JanusFrames.Ack(message.Transaction, 4242));
        Answer(JanusFrames.Parse($$$"""
            {"janus":"event","session_id":4242,"sender":77,"transaction":"{{{message.Transaction}}}",
             "plugindata":{"plugin":"janus.plugin.echotest","data":{"result":"ok"}},"jsep":{"type":"answer","sdp":"v=0"}}
            """));

        var reply = ExpectMsg<PluginReply>();
        Assert.Equal("ok", reply.PluginData!.Value.GetProperty("data").GetProperty("result").GetString());
        Assert.Equal("answer", reply.Jsep!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public void A_plugin_event_that_overtakes_its_ack_answers_the_message_and_the_late_ack_is_expected()
    {
        var session = CreateActiveSession("call-1", 4242);
        session.Tell(new SendPluginMessage("call-1", 77, JsonDocument.Parse("""{"audio":true}""").RootElement));
        var message = ExpectRequest("message");

        // Nothing is reported as an unknown transaction: the ack was expected.
        EventFilter.Warning(contains: "Ignored").Expect(0, () =>
        {
            Answer(JanusFrames.Parse($$$$"""{"janus":"event","session_id":4242,"sender":77,"transaction":"{{{{message.Transaction}}}}","plugindata":{"plugin":"janus.plugin.echotest","data":{"result":"ok"}}}"""));
            Answer(JanusFrames.Ack(message.Transaction, 4242));
            Assert.Equal("ok", ExpectMsg<PluginReply>().PluginData!.Value.GetProperty("data").GetProperty("result").GetString());
            session.Tell(new GetSession("call-1"));
            ExpectMsg<JanusSessionInfo>(); // answered after the ack was handled
        });
    }

    [Fact]
    public void Events_for_transactions_the_session_never_issued_are_routed_by_sender()
    {
        CreateActiveSession("call-1", 4242);

        // After a claim, events of requests sent by the old socket arrive with foreign transactions.
        Answer(JanusFrames.Parse("""{"janus":"event","session_id":4242,"sender":77,"transaction":"old-socket-9","plugindata":{"plugin":"p","data":{}}}"""));

        var published = _registry.FishForMessage<Publish>(p => p.Notice is JanusEventReceived);
        Assert.Equal(77, ((JanusEventReceived)published.Notice).Event.Sender);
    }

    [Fact]
    public void Replies_with_unknown_transactions_and_unknown_types_are_ignored_and_the_session_keeps_working()
    {
        var session = CreateActiveSession("call-1", 4242);
        EventFilter.Warning(contains: "Ignored").Expect(2, () =>
        {
            Answer(JanusFrames.Parse("""{"janus":"success","transaction":"nobody-asked"}"""));
            Answer(JanusFrames.Parse("""{"janus":"surprise"}"""));
        });

        session.Tell(new AttachHandle("call-1", "janus.plugin.echotest"));
        var attach = ExpectRequest("attach");
        Answer(JanusFrames.CreateSuccess(attach.Transaction, 77));
        Assert.Equal(77, ExpectMsg<HandleAttachedReply>().HandleId);
    }

    [Fact]
    public void A_fenced_node_sends_Janus_no_command_only_keep_alives_and_tells_the_caller_to_ask_another_node()
    {
        var session = CreateActiveSession("call-1", 4242);
        _refusal = "this node was paused for 15.1 s: the cluster may have given its sessions to other nodes";

        session.Tell(new AttachHandle("call-1", "janus.plugin.echotest")); // asked before the pause, handled after it
        var refused = Assert.IsType<JanusSessionUnavailableException>(ExpectMsg<Status.Failure>().Cause);
        Assert.EndsWith($"{_refusal}: ask another node", refused.Message);
        Assert.Equal(4242, ExpectRequest("keepalive").SessionId); // harmless, and keeps the session for its new owner

        _refusal = null;
        session.Tell(new AttachHandle("call-1", "janus.plugin.videoroom"));
        Assert.Equal("janus.plugin.videoroom", ExpectRequest("attach").Plugin); // the first attach never went out
    }

    [Fact]
    public void Destroy_persists_the_end_and_stops_keep_alives()
    {
        var session = CreateActiveSession("call-1", 4242);
        Watch(session);
        session.Tell(new DestroySession("call-1"));
        var destroy = ExpectRequest("destroy");
        Answer(JanusFrames.Parse($$$"""{"janus":"success","transaction":"{{{destroy.Transaction}}}","session_id":4242}"""));

        ExpectMsg<CommandDone>();
        ExpectState(JanusSessionStatus.Destroyed);
        session.Tell(StopEndedSession.Instance);
        ExpectTerminated(session);
        _transport.ExpectNoMsg(TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Adopting_an_id_Janus_does_not_know_fails_with_458_and_persists_nothing()
    {
        var session = StartSession("call-1");
        Watch(session);
        session.Tell(new CreateSession("call-1", JanusTransportKind.WebSocket, AdoptJanusSessionId: 999));
        ConnectTransport();
        var claim = ExpectRequest("claim");
        Assert.Equal(999, claim.SessionId);
        Answer(JanusFrames.Error(claim.Transaction, 458, "No such session 999"));

        var failure = ExpectMsg<Status.Failure>();
        var reclaim = Assert.IsType<JanusSessionReclaimException>(failure.Cause);
        Assert.Equal(458, reclaim.JanusCode);
        Assert.True(reclaim.IsFinal);
        _registry.FishForMessage<SessionDiscarded>(_ => true);
        session.Tell(StopEndedSession.Instance);
        ExpectTerminated(session);

        // Nothing was persisted: the key can be created afresh.
        StartSession("call-1").Tell(new GetSession("call-1"));
        Assert.IsType<JanusSessionNotFoundException>(ExpectMsg<Status.Failure>().Cause);
    }

    [Fact]
    public void A_request_for_a_key_never_created_is_answered_not_found_and_the_session_passivates()
    {
        var region = CreateTestProbe("region");
        var session = region.ChildActorOf(SessionProps("ghost"));
        Watch(session);
        session.Tell(new GetSession("ghost"));
        Assert.IsType<JanusSessionNotFoundException>(ExpectMsg<Status.Failure>().Cause);

        // Its region (LocalSessionRegion, or sharding's) sends the stop message behind what the session already has.
        var passivate = region.ExpectMsg<Akka.Cluster.Sharding.Passivate>();
        session.Tell(passivate.StopMessage);
        ExpectTerminated(session);
        _transport.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // it never connected
    }

    [Fact]
    public void Keep_alive_period_follows_the_servers_timeouts()
    {
        var options = Options with { KeepAliveInterval = TimeSpan.FromSeconds(30) };
        var session = StartSession("call-1", options);
        session.Tell(new CreateSession("call-1", JanusTransportKind.WebSocket));
        ConnectTransport();
        Answer(JanusFrames.CreateSuccess(ExpectRequest("create").Transaction, 4242));
        ExpectMsg<JanusSessionInfo>();

        // reclaim_session_timeout = 1 s → keep-alives every third of a second, not every 30 s.
        Answer(JanusFrames.Info(ExpectRequest("info").Transaction, 60, 1));
        var first = ExpectRequest("keepalive");
        Answer(JanusFrames.Ack(first.Transaction, 4242));
        ExpectRequest("keepalive");
    }
}
