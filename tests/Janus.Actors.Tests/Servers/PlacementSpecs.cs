using Janus.Actors.Diagnostics;
using Janus.Actors.Registry;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Tests.Servers;

/// <summary>
/// Placement of new sessions (<see cref="JanusServerBoard"/> with the default <see cref="LeastLoadedServerSelector"/>):
/// which server a create lands on, and what a create naming its server is told. The real servers' side (spread, drain,
/// 472) is proven in <see cref="SeveralServersSpecs"/>.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class PlacementSpecs
{
    private static JanusServerSettings Server(string name, int? capacity = null, int weight = 1, string? zone = null, bool retired = false,
        bool rest = false, int restConnectionLimit = JanusServerSettings.DefaultRestConnectionLimit) => new()
    {
        RestConnectionLimit = restConnectionLimit,
        Name = name,
        WebSocketUrl = new Uri($"ws://{name}.example:8188/"),
        RestUrl = rest ? new Uri($"http://{name}.example:8088/janus") : null,
        Capacity = capacity,
        Weight = weight,
        Zone = zone,
        Retired = retired,
    };

    private readonly SessionTable _sessions = new();

    private JanusServerBoard Board(params JanusServerSettings[] servers) => new(servers, new LeastLoadedServerSelector(), _sessions, RequestConnections);

    private const int RequestConnections = 4;

    private static PlaceSession Place(string key, string? zone = null, JanusTransportKind transport = JanusTransportKind.WebSocket,
        params string[] tried) => new(key, transport, zone, tried);

    private void Live(string key, string server, JanusTransportKind transport = JanusTransportKind.WebSocket) =>
        _sessions.Set(new JanusSessionInfo(key, 1, JanusSessionStatus.Active, transport, [], null, 0, null, server));

    [Fact]
    public void A_burst_of_creates_spreads_evenly_even_before_any_session_reports()
    {
        var board = Board(Server("a"), Server("b"), Server("c"));

        var placed = Enumerable.Range(0, 300).Select(i => board.Place(Place($"s{i}")).Server).ToList();

        Assert.Equal([100, 100, 100], placed.GroupBy(s => s).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal([100L, 100L, 100L], board.Statuses().Select(s => s.LiveSessions));
    }

    [Fact]
    public void The_least_loaded_server_by_capacity_takes_the_session_and_a_full_one_takes_none()
    {
        var board = Board(Server("small", capacity: 2), Server("big", capacity: 10));
        Live("x1", "small");
        Live("y1", "big");
        Live("y2", "big");
        Live("y3", "big");

        Assert.Equal("big", board.Place(Place("s1")).Server); // 1/2 against 3/10
        Live("x2", "small");
        var full = Board(Server("small", capacity: 2));
        var refused = full.Place(Place("s2"));

        Assert.Null(refused.Server);
        Assert.Contains("small is full (2 of 2)", refused.Refusal);
    }

    [Fact]
    public void An_unreachable_server_takes_sessions_only_while_no_server_is_up()
    {
        var board = Board(Server("down"), Server("up"));
        board.Probed(new JanusServerActor.Probed("down", null, "connection refused"));
        Live("busy", "up");

        Assert.Equal("up", board.Place(Place("s1")).Server);
        board.Probed(new JanusServerActor.Probed("up", null, "connection refused"));
        Assert.Equal("down", board.Place(Place("s2")).Server); // the emptier of two unreachable servers
    }

    [Fact]
    public void Weight_shares_new_sessions_among_servers_without_capacity()
    {
        var board = Board(Server("double", weight: 2), Server("single"));

        var placed = Enumerable.Range(0, 30).Select(i => board.Place(Place($"s{i}")).Server).ToList();

        Assert.Equal(20, placed.Count(s => s == "double"));
        Assert.Equal(10, placed.Count(s => s == "single"));
    }

    [Fact]
    public void A_zone_is_preferred_while_one_of_its_servers_can_take_the_session()
    {
        var board = Board(Server("eu", zone: "eu-west", capacity: 1), Server("us", zone: "us-east"));
        Live("busy-us", "us");

        Assert.Equal("eu", board.Place(Place("s1", zone: "eu-west")).Server);
        Assert.Equal("us", board.Place(Place("s2", zone: "eu-west")).Server); // eu is full now: elsewhere rather than nowhere
    }

    [Fact]
    public void Draining_unreachable_retired_and_refusing_servers_get_nothing_and_the_refusal_says_why()
    {
        var board = Board(Server("drained", rest: true), Server("down", rest: true), Server("old", retired: true, rest: true), Server("refused", rest: true),
            Server("ws-only"));
        board.SetDrained("drained", true);
        board.Probed(new JanusServerActor.Probed("down", null, "connection refused"));

        // Nothing up: the unreachable one is tried (its probe may be stale), once.
        Assert.Equal("down", board.Place(Place("s1", transport: JanusTransportKind.Rest, tried: "refused")).Server);
        var placed = board.Place(Place("s1", transport: JanusTransportKind.Rest, tried: ["refused", "down"]));

        Assert.Null(placed.Server);
        Assert.Equal("no Janus server can take a new session: drained is draining, down refused it, old is retired, refused refused it, ws-only has no Rest URL",
            placed.Refusal);
        Assert.Equal([JanusServerState.Draining, JanusServerState.Unreachable, JanusServerState.Retired, JanusServerState.Up, JanusServerState.Up],
            board.Statuses().Select(s => s.State));
        Assert.Equal("down", Assert.Single(board.Statuses(), s => s.Problem is not null).Name);
    }

    [Fact]
    public void Janus_saying_it_accepts_no_new_sessions_makes_the_server_draining()
    {
        var board = Board(Server("a"), Server("b"));
        board.Probed(new JanusServerActor.Probed("a", new JanusServerInfo("1.1.2", 30, 20, AcceptingNewSessions: false), null));

        Assert.Equal(JanusServerState.Draining, board.Status("a").State);
        Assert.Equal("b", board.Place(Place("s1")).Server);
    }

    [Fact]
    public void A_create_naming_its_server_is_checked_before_it_reaches_the_session()
    {
        var board = Board(Server("a"), Server("b"), Server("old", retired: true));
        board.SetDrained("b", true);

        Assert.Equal("No Janus server 'c' is configured (servers: a, b, old)",
            Assert.IsType<JanusServerNotFoundException>(board.Check(new CreateSession("k", JanusTransportKind.WebSocket, Server: "c")).Refusal).Message);
        Assert.Contains("'old' is retired", board.Check(new CreateSession("k", JanusTransportKind.WebSocket, Server: "old")).Refusal!.Message);
        Assert.Contains("'b' is draining", board.Check(new CreateSession("k", JanusTransportKind.WebSocket, Server: "b")).Refusal!.Message);
        Assert.Contains("'a' has no Rest URL", board.Check(new CreateSession("k", JanusTransportKind.Rest, Server: "a")).Refusal!.Message);
        // Claims keep working on a drained server: adopting there is allowed.
        Assert.Equal("b", board.Check(new CreateSession("k", JanusTransportKind.WebSocket, 42, Server: "b")).Command!.Server);
    }

    [Fact]
    public void An_adoption_names_its_server_unless_only_one_is_in_service()
    {
        var several = Board(Server("a"), Server("b"));
        var one = Board(Server("a"), Server("old", retired: true));

        Assert.Contains("needs the server it lives on", several.Check(new CreateSession("k", JanusTransportKind.WebSocket, 42)).Refusal!.Message);
        Assert.Equal("a", one.Check(new CreateSession("k", JanusTransportKind.WebSocket, 42)).Command!.Server);
        Assert.Null(several.Check(new CreateSession("k", JanusTransportKind.WebSocket)).Command!.Server); // placed later
    }

    [Fact]
    public void A_placement_counts_once_and_moves_to_the_table_when_the_session_reports()
    {
        var board = Board(Server("a"), Server("b"));
        Assert.Equal("a", board.Place(Place("s1")).Server);
        Assert.Equal("b", board.Place(Place("s1", tried: "a")).Server); // a refused it: it no longer counts there

        var reported = new JanusSessionInfo("s1", 7, JanusSessionStatus.Active, JanusTransportKind.WebSocket, [], null, 0, null, "b");
        board.Reported(reported);
        _sessions.Set(reported);

        Assert.Equal([0L, 1L], board.Statuses().Select(s => s.LiveSessions));
        _sessions.Set(reported with { State = JanusSessionStatus.Lost });
        Assert.Equal([0L, 0L], board.Statuses().Select(s => s.LiveSessions));
    }

    [Fact]
    public void A_placement_that_never_reports_stops_counting_once_stale()
    {
        var board = Board(Server("a"));
        board.Place(Place("s1"));
        board.ForgetStalePlacements(DateTime.UtcNow.AddSeconds(-60));
        Assert.Equal(1, board.Status("a").LiveSessions); // recent: still on its way

        board.ForgetStalePlacements(DateTime.UtcNow.AddSeconds(1));

        Assert.Equal(0, board.Status("a").LiveSessions);
    }

    [Fact]
    public void Other_nodes_count_until_they_stop_reporting()
    {
        var board = Board(Server("a"), Server("b"));
        board.OnOtherNode("node-2", new Dictionary<string, long> { ["a"] = 5 }, null);

        Assert.Equal("b", board.Place(Place("s1")).Server);
        Assert.Equal(5, board.Status("a").LiveSessions);
        board.ForgetQuietNodes(DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(0, board.Status("a").LiveSessions);
    }

    [Fact]
    public void REST_sessions_fill_a_server_to_its_REST_budget_then_go_to_another_and_WebSocket_ones_do_not_count()
    {
        // 10 connections, 4 of them for requests: 6 REST sessions, each with its long poll.
        var board = Board(Server("a", rest: true, restConnectionLimit: 10), Server("b", rest: true, restConnectionLimit: 10, weight: 0));
        for (var i = 0; i < 5; i++) Live($"r{i}", "a", JanusTransportKind.Rest);
        for (var i = 0; i < 50; i++) Live($"w{i}", "a");

        Assert.Equal("a", board.Place(Place("r5", transport: JanusTransportKind.Rest)).Server); // the 6th, in flight
        Assert.Equal("b", board.Place(Place("r6", transport: JanusTransportKind.Rest)).Server); // a is at 6 of 6
        Assert.Equal("a", board.Place(Place("w50")).Server); // WebSocket sessions hold no HTTP connection
        var a = board.Status("a");
        Assert.Equal((6L, 6L), (a.LiveRestSessions, a.RestSessionLimit));
    }

    [Fact]
    public void A_REST_create_beyond_the_only_servers_budget_is_refused_naming_the_server_and_its_limit()
    {
        var board = Board(Server("a", rest: true, restConnectionLimit: 6));
        Live("r0", "a", JanusTransportKind.Rest);
        Live("r1", "a", JanusTransportKind.Rest);

        var refused = board.Place(Place("r2", transport: JanusTransportKind.Rest));

        Assert.Null(refused.Server);
        Assert.Contains("Janus server 'a' is at its REST connection budget: 2 REST sessions of 2 (RestConnectionLimit 6 less 4 request connections per node",
            refused.Refusal);
        Assert.Equal("a", board.Place(Place("w0")).Server);
    }

    [Fact]
    public void A_REST_create_naming_a_server_at_its_budget_is_refused_and_one_under_way_there_counts_at_once()
    {
        var board = Board(Server("a", rest: true, restConnectionLimit: 6));
        Live("r0", "a", JanusTransportKind.Rest);

        var (first, room) = board.Check(new CreateSession("r1", JanusTransportKind.Rest, Server: "a"));
        board.Creating(new CreatingOn("r1", "a", JanusTransportKind.Rest)); // what its session tells its own node
        var (second, spent) = board.Check(new CreateSession("r2", JanusTransportKind.Rest, Server: "a"));

        Assert.Null(room);
        Assert.NotNull(first);
        Assert.Null(second); // r1 has not reported yet, and already counts
        Assert.Contains("is at its REST connection budget", Assert.IsType<JanusNoServerAvailableException>(spent).Message);
        board.Discarded("r1");
        Assert.Null(board.Check(new CreateSession("r2", JanusTransportKind.Rest, Server: "a")).Refusal);
    }

    [Fact]
    public void Other_nodes_REST_sessions_and_their_request_connections_count_against_the_budget()
    {
        var board = Board(Server("a", rest: true, restConnectionLimit: 20));
        board.OnOtherNode("node-2", new Dictionary<string, long> { ["a"] = 7 }, new Dictionary<string, long> { ["a"] = 5 });

        var a = board.Status("a");

        Assert.Equal((5L, 12L), (a.LiveRestSessions, a.RestSessionLimit)); // 20 less 4 request connections on each of 2 nodes
        Assert.Equal(5L, board.RestOnOtherNodes("a"));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 0 }, board.LiveRestHere());
    }
}
