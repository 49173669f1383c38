using Akka.Actor;
using Akka.Event;
using Akka.Streams.Dsl;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Supervision;

/// <summary>
/// Parent of every session actor on a node, and their registry. It starts a session per persisted key at
/// start-up (so every live session is reclaimed without waiting for a request), routes commands by key,
/// fans notices out to subscribers, and keeps each session's latest snapshot for cheap reads.
/// Failures follow <see cref="ClaimFailureDecider"/>; a session stopped by a journal failure is started
/// again with backoff, so an outage delays sessions and loses none.
/// </summary>
internal sealed partial class JanusSessionSupervisor : ReceiveActor, IWithTimers
{
    /// <param name="options">How sessions reach Janus.</param>
    /// <param name="transports">How sessions reach Janus: the node's shared WebSockets, a REST child each.</param>
    /// <param name="readJournalPluginId">Query plugin listing persisted sessions at start-up; null to skip the scan.</param>
    /// <param name="lease">When the journal may be read (a hot standby waits for the lease); null: at once.</param>
    public static Props Props(JanusOptions options, JanusTransports transports, string? readJournalPluginId,
        JournalLeaseGate? lease = null) =>
        Akka.Actor.Props.Create(typeof(JanusSessionSupervisor), options, transports, readJournalPluginId, lease);

    /// <summary>Start (or restart) the actor of a persisted session; it recovers and reclaims on its own.</summary>
    // Its own messages never leave the node: exempt from serialize-messages checks.
    private sealed record StartSession(string Key) : INoSerializationVerificationNeeded;

    private readonly JanusOptions _options;
    private readonly JanusTransports _transports;
    private readonly string? _readJournalPluginId;
    private readonly ReclaimBackoff _restartBackoff;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionTable _sessions = new();
    private readonly Dictionary<string, int> _reclaims = new();
    private readonly UnheardEvents _unheard = new();
    private readonly JanusRestartWatch _restartWatch;
    private readonly Dictionary<string, int> _restartAttempts = new();
    private readonly Dictionary<string, HashSet<IActorRef>> _subscribers = new();
    private readonly Dictionary<IActorRef, string> _keyOfChild = new();
    /// <summary>Sessions told to stop (ended or discarded) whose actor has not terminated yet.</summary>
    private readonly HashSet<string> _stopping = new();
    private readonly Dictionary<string, List<(IActorRef Sender, object Request)>> _deferred = new();
    private bool _scanning;
    /// <summary>Sessions the start-up scan started that have not reported yet: the host is not ready until none is left.</summary>
    private readonly HashSet<string> _unregistered = new();
    private readonly ReclaimTimeoutWarning _reclaimWarning;

    public JanusSessionSupervisor(JanusOptions options, JanusTransports transports, string? readJournalPluginId,
        JournalLeaseGate? lease)
    {
        _options = options;
        _transports = transports;
        _readJournalPluginId = readJournalPluginId;
        _restartBackoff = new ReclaimBackoff(options.MinReclaimBackoff, options.MaxReclaimBackoff);
        _reclaimWarning = new ReclaimTimeoutWarning(_log);
        _restartWatch = new JanusRestartWatch(_log);

        if (lease is null || lease.Granted.IsCompleted)
            Serve();
        else
            Standby(lease);
    }

    /// <summary>
    /// A hot standby: another process holds the journal, so nothing is read, recovered or created here. Requests are
    /// answered at once (<see cref="JanusSessionUnavailableException"/>, the host's 503) and readiness says "standby".
    /// When the lease is granted the supervisor recovers every session as at any start.
    /// </summary>
    private void Standby(JournalLeaseGate lease)
    {
        lease.Granted.PipeTo(Self, success: () => LeaseGranted.Instance);
        Receive<LeaseGranted>(_ => Become(Serve));
        Receive<GetReadiness>(_ => Sender.Tell(new Readiness($"standby: the journal is held by {lease.Holder ?? "another host"}")));
        Receive<ListSessions>(_ => Sender.Tell(new SessionList([])));
        Receive<ListNodeSessions>(_ => Sender.Tell(new SessionList([])));
        Receive<UnsubscribeFromSession>(_ => { });
        Receive<IJanusSessionCommand>(c => Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(c.Key, JanusSessionStatus.Reclaiming,
            $"this host is a standby: the journal is held by {lease.Holder ?? "another host"}"))));
    }

    private sealed record LeaseGranted : INoSerializationVerificationNeeded
    {
        public static readonly LeaseGranted Instance = new();
    }

    private void Serve()
    {
        Receive<CreateSession>(OnCreate);
        Receive<GetSession>(c => ReplyWithSession(c.Key));
        Receive<ListSessions>(_ => Sender.Tell(AllSessions()));
        // On a single node every session is this node's.
        Receive<ListNodeSessions>(_ => Sender.Tell(AllSessions()));
        Receive<GetReadiness>(_ => Sender.Tell(new Readiness(
            _scanning ? "recovering: the journal has not been read yet"
            : _unregistered.Count > 0 ? $"recovering: {_unregistered.Count} persisted sessions have not reported yet"
            : null)));
        Receive<SubscribeToSession>(OnSubscribe);
        Receive<UnsubscribeFromSession>(c => RemoveSubscriber(c.Key, c.Subscriber));
        Receive<IJanusSessionCommand>(ForwardToSession);

        Receive<SessionChanged>(OnSessionChanged);
        Receive<Publish>(p => OnPublish(p.Notice));
        Receive<SessionDiscarded>(d =>
        {
            RemoveSession(d.Key);
            StopEnded(d.Key);
        });
        Receive<ServerInfoLearned>(_reclaimWarning.Check);
        Receive<ExpireUnheard>(_ =>
        {
            _unheard.Expire(DateTimeOffset.UtcNow);
            if (_unheard.IsEmpty) Timers.Cancel(ExpireUnheard.Instance);
        });

        Receive<StartSession>(s => StartChild(s.Key));
        Receive<ScanFound>(found =>
        {
            if (!_scanning) return; // a retried scan answered twice
            foreach (var id in found.PersistenceIds)
            {
                var key = id[JanusSessionActor.PersistenceIdPrefix.Length..];
                if (!_sessions.Contains(key)) _unregistered.Add(key);
                StartChild(key);
            }
            _log.Info("Journal scanned: {Count} persisted sessions started for recovery", found.PersistenceIds.Count);
            _scanning = false;
            foreach (var key in _deferred.Keys.ToList()) Redeliver(key);
        });
        Receive<ScanFailed>(f =>
        {
            // Soon: every persisted session waits for this, inside Janus's reclaim window. The usual cause is a read journal
            // that gave up waiting (5 s) for the write journal to initialise on a busy machine; that is over by now.
            _log.Error(f.Cause, "Could not list persisted sessions; retrying");
            Timers.StartSingleTimer("scan", ScanJournal.Instance, _options.MinReclaimBackoff);
        });
        Receive<ScanJournal>(_ => StartScan());
        Receive<Terminated>(OnTerminated);

        // From a message, not the constructor: the read journal may take seconds to initialise on a busy machine,
        // and a constructor failure would stop the supervisor for good instead of retrying the scan.
        _scanning = _readJournalPluginId is not null;
        if (_scanning) Self.Tell(ScanJournal.Instance);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override SupervisorStrategy SupervisorStrategy() => ClaimFailureDecider.Strategy();

    protected override void PreStart() => _sessions.Track();

    protected override void PostStop() => _sessions.Untrack();

    private void OnCreate(CreateSession command)
    {
        if (_stopping.Contains(command.Key) && Defer(command.Key, command)) return;
        if (_sessions.Contains(command.Key) || !Context.Child(ChildName(command.Key)).IsNobody())
        {
            Sender.Tell(new Status.Failure(new JanusSessionExistsException(command.Key)));
            return;
        }
        SetSession(new JanusSessionInfo(command.Key, null, JanusSessionStatus.Creating, command.Transport, [], null, 0));
        StartChild(command.Key).Forward(command);
    }

    private void ReplyWithSession(string key)
    {
        if (_sessions.Contains(key)) Sender.Tell(WithReclaims(key));
        else if (!Defer(key, new GetSession(key))) Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(key)));
    }

    /// <summary>
    /// After a restart a key is unknown until the journal scan reaches it and its session reports: a request for it
    /// waits for that instead of being told "not found". True when the request was put aside.
    /// </summary>
    private bool Defer(string key, object request)
    {
        if (!_scanning && Context.Child(ChildName(key)).IsNobody()) return false;
        if (!_deferred.TryGetValue(key, out var waiting)) _deferred[key] = waiting = [];
        waiting.Add((Sender, request));
        return true;
    }

    private void Redeliver(string key)
    {
        if (!_deferred.Remove(key, out var waiting)) return;
        foreach (var (sender, request) in waiting) Self.Tell(request, sender);
    }

    private void ForwardToSession(IJanusSessionCommand command)
    {
        // A session on its way out would drop the request with its mailbox: answer once it has stopped.
        if (_stopping.Contains(command.Key) && Defer(command.Key, command)) return;
        var child = Context.Child(ChildName(command.Key));
        if (!child.IsNobody())
            child.Forward(command);
        else if (_sessions.TryGet(command.Key, out var info))
            Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(command.Key, info.State,
                info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed ? "the session has ended" : "the session is restarting")));
        else if (!Defer(command.Key, command))
            Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(command.Key)));
    }

    private void OnSessionChanged(SessionChanged changed)
    {
        SetSession(changed.Info);
        _restartWatch.Observe(changed.Info, _scanning);
        if (changed.Info.State == JanusSessionStatus.Reclaiming && !_subscribers.ContainsKey(changed.Info.Key)) KeepUnheard(changed.Info.Key);
        if (changed.Info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed) StopEnded(changed.Info.Key);
        Redeliver(changed.Info.Key);
        if (changed.Info.State == JanusSessionStatus.Active) _restartAttempts.Remove(changed.Info.Key);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!_keyOfChild.Remove(terminated.ActorRef, out var key))
        {
            foreach (var subscribers in _subscribers.Keys.ToList()) RemoveSubscriber(subscribers, terminated.ActorRef);
            return;
        }
        _stopping.Remove(key);
        Redeliver(key); // whoever waited for this session to report is answered with what is known now
        if (!_sessions.TryGet(key, out var info) || info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed)
            return;

        // Stopped without ending: the journal failed under it. Start it again later; it recovers and reclaims.
        var attempt = _restartAttempts[key] = _restartAttempts.GetValueOrDefault(key) + 1;
        var delay = _restartBackoff.DelayFor(attempt);
        SetSession(info with { State = JanusSessionStatus.Reclaiming });
        _log.Warning("Session {SessionKey} stopped unexpectedly; restarting in {Delay}", key, delay);
        Timers.StartSingleTimer($"restart-{key}", new StartSession(key), delay);
    }

    /// <summary>
    /// The session has ended or was discarded: from now on this supervisor answers for it, and the session actor is told
    /// to stop behind whatever was forwarded to it before (a final claim failure then reaches <see cref="ClaimFailureDecider"/>).
    /// </summary>
    private void StopEnded(string key)
    {
        var child = Context.Child(ChildName(key));
        if (!child.IsNobody() && _stopping.Add(key)) child.Tell(StopEndedSession.Instance);
    }

    private IActorRef StartChild(string key)
    {
        var name = ChildName(key);
        var existing = Context.Child(name);
        if (!existing.IsNobody()) return existing;
        var child = Context.ActorOf(JanusSessionActor.Props(key, _options, Self, _transports), name);
        _keyOfChild[child] = key;
        Context.Watch(child);
        return child;
    }

    private void SetSession(JanusSessionInfo info)
    {
        _sessions.Set(info);
        _unregistered.Remove(info.Key);
    }

    private void RemoveSession(string key) => _sessions.Remove(key);

    private SessionList AllSessions() => new(_sessions.Keys.Select(WithReclaims).ToList());

    private JanusSessionInfo WithReclaims(string key) => _sessions[key] with { Reclaims = _reclaims.GetValueOrDefault(key) };

    /// <summary>Session keys are the caller's; escaped so any key is a valid actor name.</summary>
    private static string ChildName(string key) => Uri.EscapeDataString(key);
}
