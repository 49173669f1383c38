using Akka.Actor;
using Akka.Event;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

/// <summary>
/// The registry of sessions, one per node at <c>/user/janus-sessions</c>, the same on one node and in a cluster: the
/// façade's entry point. Commands go to the sessions' region — on one node its own <see cref="LocalSessionRegion"/>, in
/// a cluster sharding's — which routes them by session key, starts sessions on demand and at start-up, and stops ended
/// ones by passivation. The registry keeps the latest snapshot of every session hosted on this node (cheap reads, lists,
/// metrics, readiness) and fans their notices out to subscribers. What differs between one node and a cluster (notices
/// across nodes, lists of every node, membership, the standby) is its <see cref="ISessionTopology"/>.
/// </summary>
internal sealed partial class JanusSessionRegistry : ReceiveActor, IWithTimers
{
    /// <summary>Where every node runs its registry.</summary>
    public const string Name = "janus-sessions";

    /// <summary>One node: the registry starts the region of its sessions, which reads the journal once the lease (if any) is held.</summary>
    /// <param name="options">How sessions reach Janus.</param>
    /// <param name="servers">The node's links to its Janus servers.</param>
    /// <param name="readJournalPluginId">Query plugin listing persisted sessions at start-up; null to skip the scan.</param>
    /// <param name="lease">When the journal may be read (a hot standby waits for the lease); null: at once.</param>
    /// <param name="selector">Places new sessions that name no server; null: <see cref="LeastLoadedServerSelector"/>.</param>
    public static Props Props(JanusOptions options, JanusServers servers, string? readJournalPluginId, JournalLeaseGate? lease = null,
        IJanusServerSelector? selector = null) =>
        Akka.Actor.Props.Create(() => new JanusSessionRegistry(options, servers, selector ?? new LeastLoadedServerSelector(), (context, timers) =>
            new LocalSessionTopology(context, timers,
                context.ActorOf(LocalSessionRegion.Props(options, servers, context.Self, readJournalPluginId, lease), "sessions"), lease),
            true));

    private readonly TimeSpan _askTimeout;
    private readonly JanusOptions _options;
    private readonly JanusServers _homes;
    private readonly IJanusServerSelector _selector;
    private readonly StrandedSessions _stranded;
    private readonly Func<IActorContext, ITimerScheduler, ISessionTopology> _createTopology;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionTable _sessions = new();
    private readonly Dictionary<IActorRef, string> _keyOfSession = new();
    /// <summary>Sessions the start-up scan started that have not reported yet: the node is not ready until none is left.</summary>
    private readonly HashSet<string> _unregistered = new();
    /// <summary>Sessions forgotten before the scan's end was heard: they will never report.</summary>
    private readonly HashSet<string> _forgottenWhileScanning = new();
    private ISessionTopology _topology = null!;
    private bool _scanning;

    public JanusSessionRegistry(JanusOptions options, JanusServers servers, IJanusServerSelector selector,
        Func<IActorContext, ITimerScheduler, ISessionTopology> topology, bool scans)
    {
        _askTimeout = options.AskTimeout;
        _options = options;
        _homes = servers;
        _selector = selector;
        _stranded = new StrandedSessions(_log, Context.System, options.MaxReclaimBackoff + TimeSpan.FromSeconds(1));
        _createTopology = topology;
        _scanning = scans;

        // From the façade on this node.
        Receive<ListSessions>(_ => _topology.ListAsync(_sessions.Sessions.ToList()).PipeTo(Sender));
        Receive<GetReadiness>(_ => Sender.Tell(new Readiness(_topology.NotReadyReason()
            ?? (_scanning ? "recovering: the journal has not been read yet"
                : _unregistered.Count > 0 ? $"recovering: {_unregistered.Count} persisted sessions have not reported yet"
                : null))));
        Receive<SubscribeToSession>(OnSubscribe);
        Receive<SubscriptionRead>(r => FinishSubscribe(r.Command, r.ReplyTo, r.Read));
        Receive<UnsubscribeFromSession>(u => _topology.Unsubscribe(u.Key, u.Subscriber));
        Receive<IJanusSessionCommand>(OnCommand);
        ReceiveServerMessages();

        // From the registries of the other nodes.
        Receive<ListNodeSessions>(_ => Sender.Tell(new SessionList(_sessions.Sessions.ToList())));

        // From the region and the sessions hosted on this node.
        Receive<ScanCompleted>(OnScanCompleted);
        Receive<SessionChanged>(OnSessionChanged);
        Receive<Publish>(p => _topology.Publish(p.Notice));
        Receive<SessionDiscarded>(d =>
        {
            _sessions.Remove(d.Key);
            _board.Tell(d);
        });
        Receive<SessionForgotten>(OnSessionForgotten);
        Receive<Terminated>(t =>
        {
            if (_keyOfSession.Remove(t.ActorRef, out var key)) OnSessionStopped(key);
            else _topology.OnTerminated(t.ActorRef);
        });
        ReceiveAny(message =>
        {
            if (!_topology.Receive(message)) Unhandled(message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;


    protected override void PreStart()
    {
        _topology = _createTopology(Context, Timers);
        _sessions.Track();
        StartBoard();
    }


    protected override void PostStop() => _sessions.Untrack();

    /// <summary>
    /// A session this node knows answers a read, and a create of its key (taken, whatever its state — also while its actor
    /// restarts after a journal failure), from here; an ended one answers everything from here, as its actor would, which
    /// may have stopped. Anything else goes to the session wherever it runs.
    /// </summary>
    private void OnCommand(IJanusSessionCommand command)
    {
        if (RefusedNow(command)) return;
        if (_sessions.TryGet(command.Key, out var info) && (command is GetSession or CreateSession || IsEnded(info)))
            Sender.Tell(AnswerFor(info, command));
        else if (command is CreateSession create)
            _board.Tell(new ServerBoardActor.CheckCreate(create, Sender)); // its server must be open (CreateChecked, or refused)
        else if (command is GetSession read)
            ReadAsync(_topology.Region, read, _askTimeout).PipeTo(Sender);
        else
            _topology.Region.Forward(command);
    }

    /// <summary>Answers at once, and true, when this node takes no command now (a standby, a node leaving its cluster).</summary>
    private bool RefusedNow(IJanusSessionCommand command)
    {
        if (_topology.Refusal() is not { } refusal) return false;
        Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(command.Key, JanusSessionStatus.Reclaiming, refusal)));
        return true;
    }

    private static object AnswerFor(JanusSessionInfo info, IJanusSessionCommand command) => command switch
    {
        GetSession => info,
        CreateSession => new Status.Failure(new JanusSessionExistsException(info.Key)),
        _ => new Status.Failure(new JanusSessionUnavailableException(info.Key, info.State, "the session has ended")),
    };

    private static bool IsEnded(JanusSessionInfo info) => info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed;

    /// <summary>
    /// A session hosted here can be handed over, restarted or moved while a read is on its way, and sharding delivers at
    /// most once: a read is safe to repeat, so it is asked again every <see cref="ReadRetryInterval"/> until
    /// <paramref name="total"/> has passed. Answers whatever the session answered (a <see cref="Status.Failure"/> included).
    /// </summary>
    private static async Task<object> ReadAsync(IActorRef region, GetSession read, TimeSpan total)
    {
        var deadline = DateTime.UtcNow + total;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                return await region.Ask(read, left < ReadRetryInterval ? left : ReadRetryInterval);
            }
            catch (AskTimeoutException) when (deadline - DateTime.UtcNow > TimeSpan.Zero)
            {
            }
        }
    }

    /// <summary>How long one attempt of a read waits before it is sent again (a session answers a read in milliseconds).</summary>
    private static readonly TimeSpan ReadRetryInterval = TimeSpan.FromSeconds(3);

    private void OnScanCompleted(ScanCompleted scan)
    {
        _scanning = false;
        foreach (var key in scan.Keys)
            if (!_sessions.Contains(key) && !_forgottenWhileScanning.Contains(key)) _unregistered.Add(key);
        _forgottenWhileScanning.Clear();
    }

    /// <summary>An ended session's retention passed: it is no longer listed, counted or answered for; its key is free.</summary>
    private void OnSessionForgotten(SessionForgotten forgotten)
    {
        _sessions.Remove(forgotten.Key);
        _unregistered.Remove(forgotten.Key);
        if (_scanning) _forgottenWhileScanning.Add(forgotten.Key);
    }

    private void OnSessionChanged(SessionChanged changed)
    {
        var info = changed.Info;
        // A session's first report ends its placement in flight: it counts in the table first, then the board hears it (which
        // meanwhile leaves it out of its placements in flight, JanusServerBoard.Placing). Later reports are no news to the board.
        var first = !_sessions.Contains(info.Key);
        _sessions.Set(info);
        if (first) _board.Tell(new ServerBoardActor.Reported(info));
        if (_homes.Find(info.Server) is null) _stranded.Stranded(info.Key, info.Server, Timers);
        _unregistered.Remove(info.Key);
        if (_keyOfSession.TryAdd(Sender, info.Key)) Context.Watch(Sender);
        if (info.State == JanusSessionStatus.Reclaiming) _topology.KeepUnheard(info.Key);
    }

    /// <summary>
    /// A session's actor stopped. When it can only come back on this node (one node), its last snapshot stays: one that
    /// stopped without ending (a journal failure) is reclaiming until it reports again (an ended one stops only once
    /// forgotten, <see cref="OnSessionForgotten"/>). When it may come back on any node (a cluster: hand-over, passivation), this node
    /// forgets it; the node that hosts it next answers for it.
    /// </summary>
    private void OnSessionStopped(string key)
    {
        if (!_topology.SessionsComeBackHere) _sessions.Remove(key);
        else if (_sessions.TryGet(key, out var info) && !IsEnded(info)) _sessions.Set(info with { State = JanusSessionStatus.Reclaiming });
    }
}
