using Akka.Actor;
using Akka.Event;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

/// <summary>
/// The placement board of a node (<see cref="JanusServerBoard"/>), a child of its registry, <c>servers</c>: what each
/// server's home found (it follows them all), what the other nodes report and drain, where a new session goes, and
/// whether a create that names its server may go there. The registry passes it the façade's and the other nodes' server
/// messages (<see cref="IServerBoardMessage"/>), the sessions' placements, and each session's report; it reads the
/// registry's counts of live sessions (thread-safe) and answers every asker itself.
/// </summary>
internal sealed class ServerBoardActor : ReceiveActor, IWithTimers
{
    /// <summary>From the registry: a session's first report (it counts in the table now, no longer as a placement).</summary>
    internal sealed record Reported(JanusSessionInfo Info) : INoSerializationVerificationNeeded;

    /// <summary>From the registry: a create for <paramref name="ReplyTo"/>, to check before it goes to the session.</summary>
    internal sealed record CheckCreate(CreateSession Create, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    /// <summary>To the registry: the create may go to its session, as amended (an adoption given its only server).</summary>
    internal sealed record CreateChecked(CreateSession Create, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    private sealed record ShareServerLoad : INoSerializationVerificationNeeded
    {
        public static readonly ShareServerLoad Instance = new();
    }

    public static Props Props(JanusOptions options, JanusServers servers, IJanusServerSelector selector, SessionTable sessions,
        Action<object> shareWithOtherNodes) =>
        Akka.Actor.Props.Create(() => new ServerBoardActor(options, servers, selector, sessions, shareWithOtherNodes));

    private readonly JanusOptions _options;
    private readonly JanusServers _homes;
    private readonly JanusServerBoard _board;
    private readonly Action<object> _shareWithOtherNodes;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ServerBoardActor(JanusOptions options, JanusServers servers, IJanusServerSelector selector, SessionTable sessions,
        Action<object> shareWithOtherNodes)
    {
        _options = options;
        _homes = servers;
        _board = new JanusServerBoard(servers.All.Select(link => link.Settings), selector, sessions, options.RestRequestConnections);
        _shareWithOtherNodes = shareWithOtherNodes;

        Receive<ListServers>(_ => Sender.Tell(new ServerList(_board.Statuses())));
        Receive<DrainServer>(OnDrain);
        Receive<JanusServerActor.Probed>(_board.Probed);
        Receive<JanusServerActor.AdminApplied>(applied =>
        {
            if (applied.Problem is null) _board.JanusAccepts(applied.Server, applied.Accept);
            applied.ReplyTo.Tell(new JanusDrainResult(_board.Status(applied.Server), applied.Problem));
        });
        Receive<ServerDrainChanged>(changed => // every node's, this one's too: applying it twice changes nothing
        {
            if (_board.Knows(changed.Server)) _board.SetDrained(changed.Server, changed.Drained);
        });
        Receive<ServerLoadReport>(report =>
        {
            if (report.Node == NodeAddress) return;
            _board.OnOtherNode(report.Node, report.Live, report.LiveRest);
            TellRestConnectionsOfOtherNodes();
        });
        Receive<ShareServerLoad>(_ =>
        {
            _board.ForgetQuietNodes(DateTime.UtcNow - _options.ServerProbeInterval * 3);
            _board.ForgetStalePlacements(DateTime.UtcNow - _options.AskTimeout * 2);
            TellRestConnectionsOfOtherNodes();
            _shareWithOtherNodes(new ServerLoadReport(NodeAddress, _board.LiveHere(), _board.LiveRestHere()));
        });
        Receive<PlaceSession>(place => Sender.Tell(_board.Place(place)));
        Receive<CreatingOn>(_board.Creating);
        Receive<CheckCreate>(check =>
        {
            var (checkedCreate, refusal) = _board.Check(check.Create);
            if (refusal is not null) check.ReplyTo.Tell(new Status.Failure(refusal));
            else Context.Parent.Tell(new CreateChecked(checkedCreate!, check.ReplyTo));
        });
        Receive<Reported>(reported => _board.Reported(reported.Info));
        Receive<SessionDiscarded>(discarded => _board.Discarded(discarded.Key));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>What every server's home finds, and this node's load report for the others (a no-op on one node).</summary>
    protected override void PreStart()
    {
        foreach (var link in _homes.All) link.Home.Tell(JanusServerActor.Subscribe.Instance);
        Timers.StartPeriodicTimer(ShareServerLoad.Instance, ShareServerLoad.Instance, _options.ServerProbeInterval);
    }

    /// <summary>
    /// A drain (or undrain) holds placement on this node at once and on the others through the topology; with an Admin API,
    /// Janus itself is told too, and the answer waits for it.
    /// </summary>
    private void OnDrain(DrainServer drain)
    {
        if (!_board.Knows(drain.Server))
        {
            Sender.Tell(new Status.Failure(new JanusServerNotFoundException(drain.Server, _board.Names)));
            return;
        }
        _board.SetDrained(drain.Server, drain.Drain);
        _shareWithOtherNodes(new ServerDrainChanged(drain.Server, drain.Drain));
        _log.Info(drain.Drain ? "Janus server '{Server}' drained: no new sessions are placed there" : "Janus server '{Server}' undrained: it takes new sessions again",
            drain.Server);
        var home = _homes.Find(drain.Server)!;
        if (home.Settings.Retired) Sender.Tell(new JanusDrainResult(_board.Status(drain.Server), "the server is retired"));
        else home.Home.Tell(new JanusServerActor.SetAcceptNewSessions(!drain.Drain, Sender));
    }

    /// <summary>The other nodes' REST sessions hold connections of the same servers: a recovering session drains only beside them.</summary>
    private void TellRestConnectionsOfOtherNodes()
    {
        foreach (var link in _homes.All)
            if (link.Rest is { } rest) rest.OtherNodesSessions = _board.RestOnOtherNodes(link.Settings.Name);
    }

    /// <summary>This node's address with host and port (an actor path's own address has neither).</summary>
    private string NodeAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();
}
