using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Janus.Actors.Registry;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Tests.Registry;

/// <summary>
/// The registry's own rules on one node, with probes for its region, its sessions and its servers' homes: what a late
/// subscriber is told, what is known of a session whose actor is restarting or has passivated, and how creates placed in
/// a burst spread. The same rules against a real Janus are proven by <c>LateSubscriberSpecs</c>, <c>JournalOutageSpecs</c>
/// and <c>SeveralServersSpecs</c>.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusSessionRegistrySpecs : TestKit
{
    private static readonly JanusServerInfo Janus112 = new("1.1.2", 60, 60);

    private readonly TestProbe _region;
    private readonly TestProbe _homeA;
    private readonly TestProbe _homeB;
    private readonly IActorRef _registry;

    public JanusSessionRegistrySpecs()
    {
        _region = CreateTestProbe("region");
        _homeA = CreateTestProbe("home-a");
        _homeB = CreateTestProbe("home-b");
        var options = new JanusOptions
        {
            Servers =
            [
                new JanusServerSettings { Name = "a", WebSocketUrl = new Uri("ws://a.example:8188/") },
                new JanusServerSettings { Name = "b", WebSocketUrl = new Uri("ws://b.example:8188/") },
            ],
        };
        var servers = new JanusServers(options.EffectiveServers().Select(server =>
            new JanusServerLink(server, options.ForServer(server), server.Name == "a" ? _homeA.Ref : _homeB.Ref)));
        _registry = Sys.ActorOf(Props.Create(() => new JanusSessionRegistry(options, servers, new LeastLoadedServerSelector(),
            (context, timers) => new LocalSessionTopology(context, timers, _region.Ref, null), false)));
        // Each server's home is followed from the start (by the registry's placement board), and says what it found.
        _homeA.ExpectMsg<JanusServerActor.Subscribe>();
        _board = _homeA.LastSender;
        _homeB.ExpectMsg<JanusServerActor.Subscribe>();
        _board.Tell(new JanusServerActor.Probed("a", Janus112, null), _homeA.Ref);
        _board.Tell(new JanusServerActor.Probed("b", Janus112, null), _homeB.Ref);
    }

    private readonly IActorRef _board;

    private static JanusSessionInfo Session(string key, JanusSessionStatus state, int reclaims = 0, JanusSessionError? error = null) =>
        new(key, 42, state, JanusTransportKind.WebSocket, [], error, reclaims, Server: "a");

    /// <summary>A probe standing for the session's actor, which reports <paramref name="info"/> to the registry.</summary>
    private TestProbe Report(JanusSessionInfo info, TestProbe? session = null)
    {
        session ??= CreateTestProbe();
        _registry.Tell(new SessionChanged(info), session.Ref);
        return session;
    }

    [Fact]
    public void A_late_subscriber_to_an_ended_session_is_told_its_end_and_nothing_more()
    {
        Report(Session("call-1", JanusSessionStatus.Lost, error: new JanusSessionError(458, "No such session")));
        var subscriber = CreateTestProbe();

        _registry.Tell(new SubscribeToSession("call-1", subscriber.Ref));

        ExpectMsg<CommandDone>();
        Assert.Equal(new SessionEnded("call-1", JanusSessionStatus.Lost, new JanusSessionError(458, "No such session")), subscriber.ExpectMsg<SessionEnded>());
        _registry.Tell(new Publish(new SessionReclaimed("call-1"))); // no longer subscribed
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _region.ExpectNoMsg(TimeSpan.Zero); // answered from the registry
    }

    [Fact]
    public void A_late_subscriber_to_a_session_reclaimed_while_nobody_listened_is_told_so_then_gets_what_arrived()
    {
        var session = Report(Session("call-1", JanusSessionStatus.Reclaiming));
        var missed = new JanusEventReceived("call-1", new Protocol.JanusMessage { Janus = "event", Sender = 7 });
        _registry.Tell(new Publish(missed), session.Ref);
        Report(Session("call-1", JanusSessionStatus.Active, reclaims: 1), session);
        var subscriber = CreateTestProbe();

        _registry.Tell(new SubscribeToSession("call-1", subscriber.Ref));

        ExpectMsg<CommandDone>();
        subscriber.ExpectMsg(new SessionReclaimed("call-1"));
        subscriber.ExpectMsg(missed);
        var next = new JanusEventReceived("call-1", new Protocol.JanusMessage { Janus = "event", Sender = 8 });
        _registry.Tell(new Publish(next), session.Ref);
        subscriber.ExpectMsg(next);
    }

    [Fact]
    public void A_session_whose_actor_stopped_without_ending_exists_and_shows_reclaiming_while_it_restarts()
    {
        var session = Report(Session("call-1", JanusSessionStatus.Active));
        Watch(session.Ref);
        Sys.Stop(session.Ref); // e.g. the journal failed under it: its region starts it again
        ExpectTerminated(session.Ref);

        JanusSessionInfo? read = null;
        AwaitAssert(() =>
        {
            _registry.Tell(new GetSession("call-1"));
            read = ExpectMsg<JanusSessionInfo>();
            Assert.Equal(JanusSessionStatus.Reclaiming, read.State);
        }, TimeSpan.FromSeconds(3));
        Assert.Equal(42, read!.JanusSessionId);
        _registry.Tell(new CreateSession("call-1", JanusTransportKind.WebSocket));
        Assert.IsType<JanusSessionExistsException>(ExpectMsg<Status.Failure>().Cause);
        _region.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // neither went to a new actor
    }

    [Fact]
    public void An_ended_session_that_passivated_answers_from_the_registry_and_takes_no_more_commands()
    {
        var session = Report(Session("call-1", JanusSessionStatus.Destroyed));
        Watch(session.Ref);
        Sys.Stop(session.Ref); // passivated
        ExpectTerminated(session.Ref);

        _registry.Tell(new GetSession("call-1"));
        Assert.Equal(JanusSessionStatus.Destroyed, ExpectMsg<JanusSessionInfo>().State);
        _registry.Tell(new AttachHandle("call-1", "janus.plugin.echotest"));
        var refused = Assert.IsType<JanusSessionUnavailableException>(ExpectMsg<Status.Failure>().Cause);
        Assert.Equal(JanusSessionStatus.Destroyed, refused.State);
        _registry.Tell(new ListSessions());
        Assert.Equal(["call-1"], ExpectMsg<SessionList>().Sessions.Select(s => s.Key));
        _region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Creates_placed_in_a_burst_spread_and_count_until_they_report_or_fail()
    {
        var first = CreateTestProbe();
        _registry.Tell(new PlaceSession("call-1", JanusTransportKind.WebSocket, null, []), first.Ref);
        _registry.Tell(new PlaceSession("call-2", JanusTransportKind.WebSocket, null, []), first.Ref);

        Assert.Equal("a", first.ExpectMsg<SessionPlaced>().Server);
        Assert.Equal("b", first.ExpectMsg<SessionPlaced>().Server); // a already counts call-1
        Assert.Equal([1L, 1L], Load());

        _registry.Tell(new SessionDiscarded("call-1")); // its create failed: it counts nowhere
        Assert.Equal([0L, 1L], Load());
        Report(Session("call-2", JanusSessionStatus.Active) with { Server = "b" }); // reported: counted once, as a session
        Assert.Equal([0L, 1L], Load());
    }

    [Fact]
    public void A_server_its_home_finds_unreachable_is_listed_so_and_placed_on_last()
    {
        _board.Tell(new JanusServerActor.Probed("a", null, "Janus at ws://a.example:8188/ did not answer info in time"), _homeA.Ref);

        _registry.Tell(ListServers.Instance);
        var a = ExpectMsg<ServerList>().Servers.Single(s => s.Name == "a");
        Assert.Equal(JanusServerState.Unreachable, a.State);
        Assert.Contains("did not answer info", a.Problem);
        _registry.Tell(new PlaceSession("call-1", JanusTransportKind.WebSocket, null, []));
        Assert.Equal("b", ExpectMsg<SessionPlaced>().Server);
    }

    private long[] Load()
    {
        _registry.Tell(ListServers.Instance);
        return ExpectMsg<ServerList>().Servers.Select(s => s.LiveSessions).ToArray();
    }
}
