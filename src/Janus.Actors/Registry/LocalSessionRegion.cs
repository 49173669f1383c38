using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Janus.Actors.Servers;
using Janus.Actors.Cluster;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Registry;

/// <summary>
/// What sharding's region is to a cluster, on one node: the parent of every session, fed by the same
/// <see cref="JanusSessionMessageExtractor"/>, so a session lives the same life on one node and in a cluster. It starts a
/// session per persisted key once the journal is read (as remember-entities would), holds every request until then, starts
/// a session for a request that names one not running, and stops an ended session when it asks to passivate — holding
/// that key's requests until it has stopped, then starting it again for them. A session stopped by a journal failure
/// (Akka stops a persistent actor whose write failed) is started again after a backoff, so an outage delays sessions and
/// loses none.
/// </summary>
internal sealed partial class LocalSessionRegion : ReceiveActor, IWithTimers
{
    /// <param name="options">How sessions reach Janus.</param>
    /// <param name="servers">The node's links to its Janus servers.</param>
    /// <param name="registry">Receives the sessions' snapshots and notices, and <see cref="ScanCompleted"/>.</param>
    /// <param name="readJournalPluginId">Query plugin listing persisted sessions; null to skip the scan.</param>
    /// <param name="lease">When the journal may be read (a hot standby waits for the lease); null: at once.</param>
    public static Props Props(JanusOptions options, JanusServers servers, IActorRef registry, string? readJournalPluginId,
        JournalLeaseGate? lease) =>
        Akka.Actor.Props.Create(() => new LocalSessionRegion(options, servers, registry, readJournalPluginId, lease));

    /// <summary>Start a session again after its journal failed under it; also the key of its timer, which says it is restarting.</summary>
    private sealed record RestartSession(string Key) : INoSerializationVerificationNeeded;

    private sealed record LeaseGranted : INoSerializationVerificationNeeded
    {
        public static readonly LeaseGranted Instance = new();
    }

    private readonly JanusOptions _options;
    private readonly JanusServers _servers;
    private readonly IActorRef _registry;
    private readonly string? _readJournalPluginId;
    private readonly JanusSessionMessageExtractor _extractor = new(JanusSessionMessageExtractor.DefaultShards);
    private readonly ReclaimBackoff _restartBackoff;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<IActorRef, string> _keyOfSession = new();
    /// <summary>Sessions told to stop after they asked to passivate, with the requests that arrived for them meanwhile.</summary>
    private readonly Dictionary<string, List<(IActorRef Sender, object Message)>> _passivating = new();
    /// <summary>Sessions stopped by a journal failure, waiting for their restart: consecutive failures and the last one.</summary>
    private readonly Dictionary<string, (int Attempt, DateTime At)> _restarts = new();
    /// <summary>Requests held until the journal has been read (or the lease granted).</summary>
    private List<(IActorRef Sender, object Message)>? _held = [];

    public LocalSessionRegion(JanusOptions options, JanusServers servers, IActorRef registry, string? readJournalPluginId,
        JournalLeaseGate? lease)
    {
        _options = options;
        _servers = servers;
        _registry = registry;
        _readJournalPluginId = readJournalPluginId;
        _restartBackoff = new ReclaimBackoff(options.MinReclaimBackoff, options.MaxReclaimBackoff);

        Receive<LeaseGranted>(_ => StartScan());
        Receive<ScanJournal>(_ => StartScan());
        Receive<ScanFound>(OnScanFound);
        Receive<ScanFailed>(f =>
        {
            // Soon: every persisted session waits for this, inside Janus's reclaim window. The usual cause is a read journal
            // that gave up waiting (5 s) for the write journal to initialise on a busy machine; that is over by now.
            _log.Error(f.Cause, "Could not list persisted sessions; retrying");
            Timers.StartSingleTimer("scan", ScanJournal.Instance, _options.MinReclaimBackoff);
        });
        Receive<Passivate>(OnPassivate);
        Receive<RestartSession>(s => StartSession(s.Key));
        Receive<Terminated>(t => OnStopped(t.ActorRef));
        ReceiveAny(Route);

        // From a message, not the constructor: the read journal may take seconds to initialise on a busy machine, and a
        // constructor failure would stop the region for good instead of retrying the scan.
        if (lease is not null && !lease.Granted.IsCompleted)
            lease.Granted.PipeTo(Self, success: () => LeaseGranted.Instance);
        else
            Self.Tell(ScanJournal.Instance);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>To the session the message names, started if it does not run; held while the journal is read or the session stops.</summary>
    private void Route(object message)
    {
        if (_extractor.EntityId(message) is not { } key)
        {
            Unhandled(message);
            return;
        }
        if (_held is { } held)
            held.Add((Sender, message));
        else if (_passivating.TryGetValue(key, out var waiting))
            waiting.Add((Sender, message));
        else if (Timers.IsTimerActive(new RestartSession(key)))
            Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(key, JanusSessionStatus.Reclaiming, "the session is restarting")));
        else
            StartSession(key).Forward(message);
    }

    /// <summary>An ended session (or a key with no session) asks to stop: it gets its stop message behind what it already has.</summary>
    private void OnPassivate(Passivate passivate)
    {
        if (!_keyOfSession.TryGetValue(Sender, out var key) || _passivating.ContainsKey(key)) return;
        _passivating[key] = [];
        Sender.Tell(passivate.StopMessage);
    }

    private void OnStopped(IActorRef session)
    {
        if (!_keyOfSession.Remove(session, out var key)) return;
        if (_passivating.Remove(key, out var waiting))
        {
            foreach (var (sender, message) in waiting) Self.Tell(message, sender);
            return;
        }

        // Stopped without passivating: the journal failed under it. Start it again later; it recovers and reclaims.
        var attempt = _restarts.TryGetValue(key, out var last) && DateTime.UtcNow - last.At < _options.MaxReclaimBackoff * 4 ? last.Attempt + 1 : 1;
        _restarts[key] = (attempt, DateTime.UtcNow);
        var delay = _restartBackoff.DelayFor(attempt);
        _log.Warning("Session {SessionKey} stopped unexpectedly; restarting in {Delay}", key, delay);
        var restart = new RestartSession(key);
        Timers.StartSingleTimer(restart, restart, delay);
    }

    private IActorRef StartSession(string key)
    {
        var name = Uri.EscapeDataString(key);
        if (Context.Child(name) is var running && !running.IsNobody()) return running;
        var session = Context.ActorOf(JanusSessionActor.Props(key, _options, _registry, _servers), name);
        _keyOfSession[session] = key;
        Context.Watch(session);
        return session;
    }
}
