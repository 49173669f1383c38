using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Janus.Actors.Cluster;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Supervision;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Sessions;

/// <summary>
/// One Janus session, keyed by the caller's session key and persisted as <c>janus-session-{key}</c>.
/// After a crash it recovers its Janus session id from the journal, claims it on a fresh transport, and only
/// then restarts keep-alives with that id. A claim Janus refuses for good persists the session as lost, and the
/// session then fails with a final <see cref="JanusSessionReclaimException"/> so its supervisor's decider stops it; a
/// transient failure (no connection, no answer) makes the session claim again over a fresh transport after a backoff,
/// inside the actor, until Janus has been unreachable for a whole reclaim window.
/// Stopping this actor never destroys the Janus session; only <see cref="DestroySession"/> does.
/// In a cluster it runs as a sharded entity (remember-entities) and ends by passivating, so that an ended session
/// is forgotten by sharding instead of restarted.
/// </summary>
internal sealed class JanusSessionActor : PersistentActor, IWithTimers
{
    public const string PersistenceIdPrefix = "janus-session-";

    /// <param name="key">The caller's name for the session.</param>
    /// <param name="options">How to reach Janus.</param>
    /// <param name="registry">Receives the session's snapshots and notices (the session supervisor).</param>
    /// <param name="transports">The node's shared WebSockets and the REST transport's Props.</param>
    /// <param name="cluster">This node when the session is a sharded entity; null on a single node.</param>
    public static Props Props(string key, JanusOptions options, IActorRef registry, JanusTransports transports,
        JanusClusterOptions? cluster = null) =>
        Akka.Actor.Props.CreateBy(new Producer(key, options, registry, transports, cluster));

    /// <summary>
    /// Builds the actor with a plain constructor call: <c>Props.Create(() => new ...)</c> compiles its expression on every
    /// call, which costs more than the actor itself when ten thousand sessions start at once.
    /// </summary>
    private sealed class Producer(string key, JanusOptions options, IActorRef registry, JanusTransports transports,
        JanusClusterOptions? cluster) : IIndirectActorProducer
    {
        public Type ActorType => typeof(JanusSessionActor);

        public ActorBase Produce() => new JanusSessionActor(key, options, registry, transports, cluster);

        public void Release(ActorBase actor) { }
    }

    // Messages to itself never leave the actor: exempt from serialize-messages checks.
    private sealed record KeepAliveTick : INoSerializationVerificationNeeded
    {
        public static readonly KeepAliveTick Instance = new();
    }

    private sealed record ConnectTransport : INoSerializationVerificationNeeded
    {
        public static readonly ConnectTransport Instance = new();
    }

    private sealed record RequestTimedOut(string Transaction) : INoSerializationVerificationNeeded;

    private sealed record TransportFailed(IActorRef Transport, Exception Cause) : INoSerializationVerificationNeeded;

    private const string KeepAliveTimer = "keepalive";
    private const string ConnectTimer = "connect";

    private readonly string _key;
    private readonly JanusOptions _options;
    private readonly IActorRef _registry;
    private readonly JanusTransports _transports;
    private readonly JanusClusterOptions? _cluster;
    private readonly ReclaimBackoff _backoff;
    private readonly PendingRequests _pending = new();

    private JanusSessionState _state = JanusSessionState.Empty;
    private JanusSessionStatus _status = JanusSessionStatus.Creating;
    private IActorRef? _transport; // the shared connection or the REST child that answered Connected
    private bool _connecting; // a Connect is out: its answer (or a WebSocket's ConnectionLost) is this session's
    private int _restLinks; // names each REST child apart: a failed one may not have stopped yet
    private (CreateSession Command, IActorRef ReplyTo)? _creation;
    private IActorRef? _awaitingJournal;
    private ServerTimeouts? _server;
    private TimeSpan _keepAlivePeriod;
    private int _unansweredKeepAlives;
    private int _reclaimAttempt;
    private int _reclaims;
    private JanusSessionReclaimException? _finalFailure;
    private DateTimeOffset? _unreachableSince; // first failed contact of the current reclaim
    private DateTimeOffset _reclaimStarted = DateTimeOffset.UtcNow;

    public JanusSessionActor(string key, JanusOptions options, IActorRef registry, JanusTransports transports,
        JanusClusterOptions? cluster = null)
    {
        _key = key;
        _options = options;
        _registry = registry;
        _transports = transports;
        _cluster = cluster;
        _backoff = new ReclaimBackoff(options.MinReclaimBackoff, options.MaxReclaimBackoff);
        _keepAlivePeriod = options.KeepAliveInterval;
        PersistenceId = PersistenceIdPrefix + key;
    }

    public override string PersistenceId { get; }

    /// <summary>A session has a handful of events and never snapshots: skipping the snapshot query speeds recovery up.</summary>
    public override Recovery Recovery => new(SnapshotSelectionCriteria.None);

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A REST child's failures are reported to the session, which decides: reclaim, or fail its caller.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new TransportFailureStrategy(Self);

    /// <summary>A WebSocket session leaves its shared connection's routes.</summary>
    protected override void PostStop()
    {
        if (_state.Transport == JanusTransportKind.WebSocket) _transports.Connections.Tell(JanusTransportCommands.SessionStopped.Instance);
        base.PostStop();
    }

    /// <summary>
    /// Stops a failed REST child and tells the session which one failed (an older one's failure is stale). Not logged
    /// here: the session logs what the failure means for it.
    /// </summary>
    private sealed class TransportFailureStrategy(IActorRef session) : OneForOneStrategy(_ => Directive.Stop)
    {
        public override void ProcessFailure(IActorContext context, bool restart, IActorRef child, Exception cause, ChildRestartStats stats,
            IReadOnlyCollection<ChildRestartStats> children)
        {
            session.Tell(new TransportFailed(child, cause));
            base.ProcessFailure(context, restart, child, cause, stats, children);
        }

        protected override void LogFailure(IActorContext context, IActorRef child, Exception cause, Directive directive) { }
    }

    private void OnRecovered()
    {
        if (_state.IsEnded)
        {
            _status = _state.Phase == JanusSessionPhase.Lost ? JanusSessionStatus.Lost : JanusSessionStatus.Destroyed;
            ReportChanged();
            Become(Ended);
            StopSession();
            return;
        }

        if (_state.Phase == JanusSessionPhase.New)
        {
            Become(Idle);
            return;
        }

        BeginReclaim();
    }

    // ---- behaviours -------------------------------------------------------------------------------
    // Plain switches rather than ReceivePersistentActor's Command<T>: those build a handler table per instance and per
    // Become, which cost a fifth of the actor time of ten thousand sessions coming back at once (measured).

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case IJanusSessionEvent e:
                _state = _state.Apply(e);
                return true;
            case RecoveryCompleted:
                OnRecovered();
                return true;
            default:
                return false;
        }
    }

    /// <summary>Until recovery completes and picks a behaviour below; never called with a command before that.</summary>
    protected override bool ReceiveCommand(object message) => Idle(message);

    /// <summary>Nothing persisted: waiting for a create or an adoption.</summary>
    private bool Idle(object message)
    {
        switch (message)
        {
            case CreateSession create:
                StartCreation(create);
                return true;
            case IJanusSessionCommand:
                // Only sharding routes requests for an unknown key here: answer, and leave no remembered entity behind.
                Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(_key)));
                StopSession();
                return true;
            default:
                return false;
        }
    }

    /// <summary>Creating or adopting: the transport connects, then create/claim, then persist.</summary>
    private bool Creating(object message)
    {
        switch (message)
        {
            case JanusTransportEvents.Connected connected when IsAnswerToConnect():
                OnConnected(connected);
                SendCreateOrAdopt();
                return true;
            case TransportFailed or JanusTransportEvents.ConnectionLost when TransportFailure(message) is { } reason:
                FailCreation(new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, $"Janus unreachable: {reason}"));
                return true;
            default:
                if (!WithJanusSession(message)) Stash.Stash();
                return true;
        }
    }

    /// <summary>Recovered with a live Janus id: waiting for the transport, then the claim.</summary>
    private bool Reclaiming(object message)
    {
        switch (message)
        {
            case ConnectTransport:
                Connect();
                return true;
            case JanusTransportEvents.Connected connected when IsAnswerToConnect():
                OnConnected(connected);
                ClaimOnFreshTransport();
                return true;
            case JanusTransportEvents.Drained:
                if (Sender.Equals(_transport)) SendClaim();
                return true;
            case JanusTransportEvents.SessionGone gone:
                EndAsLost(gone.Code, gone.Reason, throwFinal: true);
                return true;
            case TransportFailed or JanusTransportEvents.ConnectionLost when TransportFailure(message) is { } reason:
                // A shared connection warns once per outage for all its sessions; a REST child's failure is this session's own.
                FailReclaim(null, $"transport failed: {reason}", reportedByConnection: message is JanusTransportEvents.ConnectionLost);
                return true;
            default:
                if (!WithJanusSession(message)) Stash.Stash();
                return true;
        }
    }

    /// <summary>Claimed or created: requests flow, keep-alives run.</summary>
    private bool Active(object message)
    {
        switch (message)
        {
            case KeepAliveTick:
                SendKeepAlive();
                return true;
            case JanusTransportEvents.SessionGone gone:
                EndAsLost(gone.Code, gone.Reason, throwFinal: false);
                return true;
            case TransportFailed or JanusTransportEvents.ConnectionLost when TransportFailure(message) is { } reason:
                Reconnect($"transport failed: {reason}");
                return true;
            case AttachHandle c:
                SendRequest(PendingKind.Attach, JanusRequests.Attach(NextTransaction(), JanusId, c.Plugin, c.OpaqueId));
                return true;
            case SendPluginMessage c:
                SendRequest(PendingKind.PluginMessage, JanusRequests.Message(NextTransaction(), JanusId, c.HandleId, c.Body, c.Jsep));
                return true;
            case Trickle c:
                SendRequest(PendingKind.Trickle, JanusRequests.Trickle(NextTransaction(), JanusId, c.HandleId, c.Candidate));
                return true;
            case Hangup c:
                SendRequest(PendingKind.Hangup, JanusRequests.Hangup(NextTransaction(), JanusId, c.HandleId));
                return true;
            case DetachHandle c:
                SendRequest(PendingKind.Detach, JanusRequests.Detach(NextTransaction(), JanusId, c.HandleId));
                return true;
            case DestroySession:
                SendRequest(PendingKind.Destroy, JanusRequests.Destroy(NextTransaction(), JanusId));
                return true;
            default:
                return WithJanusSession(message);
        }
    }

    /// <summary>What every behaviour with a transport handles alike: Janus's messages, timeouts, reads, duplicate creates.</summary>
    private bool WithJanusSession(object message)
    {
        switch (message)
        {
            case JanusTransportEvents.Received received:
                // What a replaced transport still delivers belongs to requests that have already failed.
                if (Sender.Equals(_transport)) OnReceived(received.Message);
                return true;
            case TransportFailed or JanusTransportEvents.Drained or JanusTransportEvents.Connected or JanusTransportEvents.ConnectionLost:
                return true; // a replaced transport's, or a shared connection's news for a session not using it now
            case RequestTimedOut timedOut:
                OnRequestTimedOut(timedOut);
                return true;
            case CreateSession:
                Sender.Tell(new Status.Failure(new JanusSessionExistsException(_key)));
                return true;
            case GetSession:
                Sender.Tell(Snapshot());
                return true;
            default:
                return false;
        }
    }

    /// <summary>A create or adoption failed and nothing was persisted: the key is free, the actor is stopping.</summary>
    private bool Discarded(object message)
    {
        switch (message)
        {
            case IJanusSessionCommand:
                Sender.Tell(new Status.Failure(new JanusSessionNotFoundException(_key)));
                return true;
            case StopEndedSession:
                Context.Stop(Self);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Lost or destroyed: answers what it is, refuses the rest, and stops.</summary>
    private bool Ended(object message)
    {
        switch (message)
        {
            case StopEndedSession:
                if (_finalFailure is { } failure) throw failure; // the supervisor's decider stops it
                Context.Stop(Self);
                return true;
            case CreateSession:
                Sender.Tell(new Status.Failure(new JanusSessionExistsException(_key)));
                return true;
            case GetSession:
                Sender.Tell(Snapshot());
                return true;
            default:
                Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, _status, "the session has ended")));
                return true;
        }
    }

    // ---- create / adopt ---------------------------------------------------------------------------

    private void StartCreation(CreateSession command)
    {
        _creation = (command, Sender);
        _status = JanusSessionStatus.Creating;
        _state = _state with { Transport = command.Transport };
        Connect();
        Become(Creating);
    }

    private void SendCreateOrAdopt()
    {
        var (command, _) = _creation!.Value;
        if (command.AdoptJanusSessionId is { } id)
            Send(PendingKind.Adopt, JanusRequests.Claim(NextTransaction(), id), Self);
        else
            Send(PendingKind.Create, JanusRequests.Create(NextTransaction()), Self);
    }

    private void OnCreated(long janusSessionId, bool adopted)
    {
        Persist(new SessionCreated(janusSessionId, _state.Transport, adopted), e =>
        {
            _state = _state.Apply(e);
            var (_, replyTo) = _creation!.Value;
            _creation = null;
            Log.Info(adopted ? "Adopted Janus session for {SessionKey}" : "Created Janus session for {SessionKey}", _key);
            BecomeActive(reclaimed: false);
            replyTo.Tell(Snapshot());
        });
    }

    private void FailCreation(Exception failure)
    {
        Log.Warning("Could not create session {SessionKey}: {Reason}", _key, failure.Message);
        _creation?.ReplyTo.Tell(new Status.Failure(failure));
        _creation = null;
        foreach (var pending in _pending.Drain()) Timers.Cancel(pending.Request.Transaction);
        _registry.Tell(new SessionDiscarded(_key));
        Become(Discarded);
        StopSession();
    }

    // ---- reclaim ----------------------------------------------------------------------------------

    /// <summary>
    /// Claims the recovered id on a fresh transport: at once on the first attempt, after the backoff on later ones. Gives up
    /// only when Janus has been unreachable for longer than it keeps an orphaned session, counted from the first failed
    /// contact: this process's own slowness (a backlog at start-up, a pause) never counts, and a claim is cheap.
    /// </summary>
    private void BeginReclaim()
    {
        _status = JanusSessionStatus.Reclaiming;
        _reclaimStarted = DateTimeOffset.UtcNow;
        ReportChanged();
        ReleaseTransport();

        var delay = _backoff.DelayFor(_reclaimAttempt);
        if (_unreachableSince is { } since && DateTimeOffset.UtcNow + delay > since + ReclaimWindow())
        {
            EndAsLost(null, $"Janus unreachable since {since:HH:mm:ss} UTC ({_reclaimAttempt} failed attempts): its reclaim window has lapsed", throwFinal: true);
            return;
        }

        Become(Reclaiming);
        if (delay == TimeSpan.Zero)
            Connect();
        else
        {
            Log.Debug("Reclaiming {SessionKey} in {Delay} (attempt {Attempt})", _key, delay, _reclaimAttempt + 1);
            Timers.StartSingleTimer(ConnectTimer, ConnectTransport.Instance, delay);
        }
    }

    /// <summary>
    /// Claims the session on the fresh transport. Over REST a claim would throw away what Janus queued for the session
    /// while this process was gone (seen on 1.1.2: the claim gives the session a new event queue), so a REST session first
    /// drains that queue with one short long poll, whose events go to subscribers like any others, and claims once the
    /// transport says <see cref="JanusTransportEvents.Drained"/>. The claim is still needed: it detaches the dead
    /// process's long poll, which Janus keeps suspended and which would otherwise swallow the session's next event.
    /// </summary>
    private void ClaimOnFreshTransport()
    {
        if (_state.Transport == JanusTransportKind.Rest)
            Transport.Tell(new JanusTransportCommands.Drain(JanusId));
        else
            SendClaim();
    }

    private void SendClaim() => Send(PendingKind.Claim, JanusRequests.Claim(NextTransaction(), JanusId), Self);

    private void OnClaimed()
    {
        JanusMetrics.Claims.Add(1, new("outcome", "ok"), new("code", 0));
        JanusMetrics.ReclaimDuration.Record((DateTimeOffset.UtcNow - _reclaimStarted).TotalSeconds);
        Log.Info("Reclaimed Janus session for {SessionKey} after {Attempts} attempt(s)", _key, _reclaimAttempt + 1);
        _reclaimAttempt = 0;
        _unreachableSince = null;
        _reclaims++;
        BecomeActive(reclaimed: true);
    }

    /// <summary>
    /// A claim failed. A final answer from Janus ends the session as lost; anything else (no answer, no connection)
    /// tries again after the backoff, inside this actor: nothing is replayed from the journal for a retry. One warning
    /// per outage: the first failure of a reclaim, unless its shared connection has already said so for all its sessions;
    /// the retries are Debug, and the end says how many there were.
    /// </summary>
    private void FailReclaim(JanusError? error, string reason, bool reportedByConnection = false)
    {
        JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error?.Code ?? 0));
        FailAllPending(new JanusSessionUnavailableException(_key, JanusSessionStatus.Reclaiming, reason));
        if (error is { } answer && JanusSessionReclaimException.IsFinalCode(answer.Code))
        {
            EndAsLost(answer.Code, answer.Reason ?? reason, throwFinal: true);
            return;
        }
        _unreachableSince ??= DateTimeOffset.UtcNow;
        _reclaimAttempt++;
        var why = error is { } refused ? $"Janus answered {refused.Code} {refused.Reason}" : reason;
        if (_reclaimAttempt == 1 && !reportedByConnection)
            Log.Warning("Could not claim the Janus session of {SessionKey} ({Reason}): retrying with backoff", _key, why);
        else
            Log.Debug("Claim {Attempt} for {SessionKey} failed ({Reason}): retrying", _reclaimAttempt, _key, why);
        BeginReclaim();
    }

    /// <summary>The transport of an active session failed: claim again at once over a fresh one.</summary>
    private void Reconnect(string reason)
    {
        Log.Debug("Transport of {SessionKey} failed ({Reason}): claiming again", _key, reason);
        FailAllPending(new JanusSessionUnavailableException(_key, JanusSessionStatus.Reclaiming, reason));
        Timers.Cancel(KeepAliveTimer);
        _reclaimAttempt = 0;
        BeginReclaim();
    }

    /// <summary>How long Janus keeps the session without an owner: REST sessions live until session_timeout.</summary>
    private TimeSpan ReclaimWindow() => _state.Transport == JanusTransportKind.Rest
        ? _server?.Session ?? _options.AssumedReclaimTimeout
        : _server?.Reclaim ?? _options.AssumedReclaimTimeout;

    // ---- active session ---------------------------------------------------------------------------

    private void BecomeActive(bool reclaimed)
    {
        _status = JanusSessionStatus.Active;
        _unansweredKeepAlives = 0;
        Become(Active);
        Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, _keepAlivePeriod);
        if (_state.Transport == JanusTransportKind.Rest)
            Transport.Tell(new JanusTransportCommands.StartPolling(JanusId));
        if (_server is null)
            Send(PendingKind.Info, JanusRequests.Info(NextTransaction()), Self);
        ReportChanged();
        if (reclaimed) _registry.Tell(new Publish(new SessionReclaimed(_key)));
        Stash.UnstashAll();
    }

    private void SendKeepAlive()
    {
        if (_unansweredKeepAlives >= _options.MaxMissedKeepAlives)
        {
            Log.Warning("{Missed} keep-alives of {SessionKey} unanswered: reconnecting", _unansweredKeepAlives, _key);
            Reconnect($"{_unansweredKeepAlives} keep-alives unanswered");
            return;
        }
        _unansweredKeepAlives++;
        Send(PendingKind.KeepAlive, JanusRequests.KeepAlive(NextTransaction(), JanusId), Self);
    }

    // ---- transport --------------------------------------------------------------------------------

    /// <summary>
    /// Opens a transport: a WebSocket session asks the pool for its shared connection, a REST session starts a child of
    /// its own. Either answers <see cref="JanusTransportEvents.Connected"/>, whose sender carries the requests from then on.
    /// </summary>
    private void Connect()
    {
        _connecting = true;
        if (_state.Transport == JanusTransportKind.Rest)
        {
            _transport = Context.ActorOf(_transports.RestProps(), $"transport-{++_restLinks}");
            _transport.Tell(JanusTransportCommands.Connect.Instance);
            return;
        }
        _options.UrlFor(JanusTransportKind.WebSocket); // no WebSocket URL: fails here, as a create with it must
        _transports.Connections.Tell(JanusTransportCommands.Connect.Instance);
    }

    /// <summary>A REST child answers for itself; a WebSocket's answer comes from whichever connection the pool chose.</summary>
    private bool IsAnswerToConnect() => _connecting && (_state.Transport == JanusTransportKind.WebSocket || Sender.Equals(_transport));

    /// <summary>Requests go to the transport that answered; the <c>info</c> a shared connection fetched is this session's too.</summary>
    private void OnConnected(JanusTransportEvents.Connected connected)
    {
        _connecting = false;
        _transport = Sender;
        if (connected.ServerInfo is { } info && _server is null) OnServerInfo(info);
    }

    /// <summary>
    /// Why this session's transport failed, or null when the news is stale: a REST child's failure through supervision,
    /// or a shared connection's loss while this session waits for it or uses it.
    /// </summary>
    private string? TransportFailure(object message) => message switch
    {
        TransportFailed failed when failed.Transport.Equals(_transport) => failed.Cause.Message,
        JanusTransportEvents.ConnectionLost lost when (_connecting && _state.Transport == JanusTransportKind.WebSocket) || Sender.Equals(_transport) =>
            lost.Reason,
        _ => null,
    };

    /// <summary>
    /// A reclaim starts on a fresh transport: a REST child is stopped, a shared connection is asked for again; whatever
    /// the old one still delivers belongs to failed requests and is dropped.
    /// </summary>
    private void ReleaseTransport()
    {
        if (_transport is { } old && _state.Transport == JanusTransportKind.Rest) Context.Stop(old);
        _transport = null;
        _connecting = false;
    }

    private void OnServerInfo(JanusMessage info)
    {
        _server = ServerTimeouts.From(info);
        _registry.Tell(new ServerInfoLearned(info.ServerSessionTimeout ?? 0, info.ServerReclaimSessionTimeout ?? 0));
        var period = _server.KeepAlivePeriod(_options.KeepAliveInterval, _state.Transport);
        if (period != _keepAlivePeriod)
        {
            _keepAlivePeriod = period;
            Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, period);
        }
    }

    // ---- requests and replies ---------------------------------------------------------------------

    private void SendRequest(PendingKind kind, JanusRequest request) => Send(kind, request, Sender);

    private void Send(PendingKind kind, JanusRequest request, IActorRef replyTo)
    {
        var withCredentials = request with { ApiSecret = _options.ApiSecret, Token = _options.Token };
        _pending.Add(new PendingRequest(kind, withCredentials, replyTo, DateTimeOffset.UtcNow));
        Timers.StartSingleTimer(request.Transaction, new RequestTimedOut(request.Transaction), _options.RequestTimeout);
        Transport.Tell(new JanusTransportCommands.Send(withCredentials));
    }

    private void OnReceived(JanusMessage message)
    {
        if (_pending.TryGet(message.Transaction, out var pending) && !IsLateEvent(message, pending))
        {
            OnReply(pending, message);
            return;
        }

        if (JanusMessageKinds.IsEvent(message.Janus))
        {
            OnEvent(message);
            return;
        }

        if (_pending.IsLateAck(message)) return;

        var reason = message.Janus is JanusMessageKinds.Success or JanusMessageKinds.Ack or JanusMessageKinds.Error or JanusMessageKinds.ServerInfo
            ? "unknown-transaction"
            : "unexpected-type";
        JanusMetrics.InboundRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Log.Warning("Ignored {Kind} from Janus for {SessionKey}: {Reason}", message.Janus, _key, reason);
    }

    /// <summary>Only a plugin message waits for an event; any other event carrying its transaction is just an event.</summary>
    private static bool IsLateEvent(JanusMessage message, PendingRequest pending) =>
        JanusMessageKinds.IsEvent(message.Janus) && !(pending.Kind == PendingKind.PluginMessage && message.Janus == JanusMessageKinds.Event);

    private void OnReply(PendingRequest pending, JanusMessage reply)
    {
        if (reply.Janus == JanusMessageKinds.Ack && pending.Kind == PendingKind.PluginMessage)
        {
            pending.Acked = true; // the plugin's answer follows as an event with the same transaction
            return;
        }

        Complete(pending);
        if (reply.Janus == JanusMessageKinds.Error)
            OnErrorReply(pending, reply.Error ?? new JanusError((int)JanusErrorCode.Unknown, "error without details"));
        else
            OnSuccessReply(pending, reply);
    }

    private void OnSuccessReply(PendingRequest pending, JanusMessage reply)
    {
        switch (pending.Kind)
        {
            case PendingKind.Create when reply.Data is { } data:
                OnCreated(data.Id, adopted: false);
                break;
            case PendingKind.Create:
                FailCreation(new JanusRequestException("create", (int)JanusErrorCode.Unknown, "create answered without a session id"));
                break;
            case PendingKind.Adopt:
                OnCreated(pending.Request.SessionId!.Value, adopted: true);
                break;
            case PendingKind.Claim:
                OnClaimed();
                break;
            case PendingKind.Info:
                OnServerInfo(reply);
                break;
            case PendingKind.KeepAlive:
                _unansweredKeepAlives = 0;
                JanusMetrics.KeepAliveRoundTrip.Record((DateTimeOffset.UtcNow - pending.SentAt).TotalSeconds);
                break;
            case PendingKind.Attach when reply.Data is { } handle:
                var plugin = pending.Request.Plugin!;
                PersistFor(pending.ReplyTo, new HandleAttached(handle.Id, plugin, pending.Request.OpaqueId), e =>
                {
                    _state = _state.Apply(e);
                    ReportChanged();
                    pending.ReplyTo.Tell(new HandleAttachedReply(handle.Id));
                });
                break;
            case PendingKind.PluginMessage:
                if (reply.Janus == JanusMessageKinds.Event) OnEvent(reply);
                if (reply.Janus == JanusMessageKinds.Event && !pending.Acked) _pending.ExpectLateAck(pending.Request.Transaction);
                pending.ReplyTo.Tell(new PluginReply(reply.PluginData, reply.Jsep));
                break;
            case PendingKind.Detach:
                PersistDetached(pending.Request.HandleId!.Value, pending.ReplyTo);
                break;
            case PendingKind.Destroy:
                EndAsDestroyed(pending.ReplyTo);
                break;
            default:
                pending.ReplyTo.Tell(CommandDone.Instance);
                break;
        }
    }

    private void OnErrorReply(PendingRequest pending, JanusError error)
    {
        switch (pending.Kind)
        {
            case PendingKind.Create:
                FailCreation(new JanusRequestException("create", error.Code, error.Reason ?? ""));
                break;
            case PendingKind.Adopt:
                JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error.Code));
                FailCreation(new JanusSessionReclaimException(_key, pending.Request.SessionId!.Value, error.Code, error.Reason ?? ""));
                break;
            case PendingKind.Claim:
                FailReclaim(error, error.Reason ?? "");
                break;
            case PendingKind.Info:
                Log.Warning("Janus refused info for {SessionKey}: {Code} {Reason}", _key, error.Code, error.Reason);
                break;
            case PendingKind.KeepAlive when error.Code == (int)JanusErrorCode.SessionNotFound:
                EndAsLost(error.Code, error.Reason ?? "session not found", throwFinal: false);
                break;
            case PendingKind.KeepAlive:
                Log.Warning("Keep-alive of {SessionKey} refused: {Code} {Reason}", _key, error.Code, error.Reason);
                break;
            case PendingKind.Destroy when error.Code == (int)JanusErrorCode.SessionNotFound:
                EndAsDestroyed(pending.ReplyTo);
                break;
            case PendingKind.Detach when error.Code == (int)JanusErrorCode.HandleNotFound:
                PersistDetached(pending.Request.HandleId!.Value, pending.ReplyTo);
                break;
            default:
                pending.ReplyTo.Tell(new Status.Failure(new JanusRequestException(pending.Request.Janus, error.Code, error.Reason ?? "")));
                if (error.Code == (int)JanusErrorCode.SessionNotFound)
                    EndAsLost(error.Code, error.Reason ?? "session not found", throwFinal: false);
                break;
        }
    }

    private void OnRequestTimedOut(RequestTimedOut timeout)
    {
        if (!_pending.TryGet(timeout.Transaction, out var pending)) return;
        Complete(pending);
        switch (pending.Kind)
        {
            case PendingKind.KeepAlive or PendingKind.Info:
                return; // counted by the keep-alive tick / retried on the next claim
            case PendingKind.Create or PendingKind.Adopt:
                FailCreation(pending.Kind == PendingKind.Adopt
                    ? new JanusSessionReclaimException(_key, pending.Request.SessionId!.Value, null, $"no answer from Janus within {_options.RequestTimeout}")
                    : new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, $"no answer from Janus within {_options.RequestTimeout}"));
                return;
            case PendingKind.Claim:
                FailReclaim(null, $"claim not answered within {_options.RequestTimeout}");
                return;
            default:
                pending.ReplyTo.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, _status, $"{pending.Request.Janus} not answered within {_options.RequestTimeout}")));
                return;
        }
    }

    private void Complete(PendingRequest pending)
    {
        _pending.Remove(pending.Request.Transaction);
        Timers.Cancel(pending.Request.Transaction);
    }

    private void FailAllPending(Exception failure)
    {
        foreach (var pending in _pending.Drain())
        {
            Timers.Cancel(pending.Request.Transaction);
            if (!pending.ReplyTo.Equals(Self)) pending.ReplyTo.Tell(new Status.Failure(failure));
        }
    }

    // ---- events -----------------------------------------------------------------------------------

    private void OnEvent(JanusMessage message)
    {
        _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
        switch (message.Janus)
        {
            case JanusMessageKinds.Timeout:
                EndAsLost((int)JanusErrorCode.SessionNotFound, "Janus timed the session out", throwFinal: false);
                break;
            case JanusMessageKinds.Detached when message.Sender is { } handleId && _state.Handles.ContainsKey(handleId):
                Persist(new HandleDetached(handleId), e =>
                {
                    _state = _state.Apply(e);
                    ReportChanged();
                });
                break;
        }
    }

    // ---- endings ----------------------------------------------------------------------------------

    private void PersistDetached(long handleId, IActorRef replyTo) =>
        PersistFor(replyTo, new HandleDetached(handleId), e =>
        {
            _state = _state.Apply(e);
            ReportChanged();
            replyTo.Tell(CommandDone.Instance);
        });

    private void EndAsDestroyed(IActorRef replyTo) =>
        PersistFor(replyTo, new SessionDestroyed(), e =>
        {
            _state = _state.Apply(e);
            Log.Info("Destroyed Janus session of {SessionKey}", _key);
            End(JanusSessionStatus.Destroyed);
            replyTo.Tell(CommandDone.Instance);
            StopSession();
        });

    /// <summary>
    /// Janus no longer has the session. Persisted so no later recovery claims it again. With
    /// <paramref name="throwFinal"/> the actor fails with a final <see cref="JanusSessionReclaimException"/> when its
    /// supervisor tells it to stop, so the decider stops it; otherwise it just stops (see <see cref="StopSession"/>).
    /// </summary>
    private void EndAsLost(int? code, string reason, bool throwFinal)
    {
        if (_status is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed) return;
        _status = JanusSessionStatus.Lost;
        Become(Ended);
        Persist(new SessionLost(code, reason), e =>
        {
            _state = _state.Apply(e);
            Log.Warning("Session {SessionKey} lost: {Code} {Reason}", _key, code, reason);
            End(JanusSessionStatus.Lost);
            if (throwFinal) _finalFailure = new JanusSessionReclaimException(_key, JanusId, code, reason, windowLapsed: code is null);
            StopSession();
        });
    }

    private void End(JanusSessionStatus status)
    {
        _status = status;
        Timers.CancelAll();
        FailAllPending(new JanusSessionUnavailableException(_key, status, "the session has ended"));
        Become(Ended);
        ReportChanged();
        _registry.Tell(new Publish(new SessionEnded(_key, status, _state.LastError)));
        Stash.UnstashAll();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The journal is down: the actor stops (Akka's rule for persistence failures) and the supervisor
        // starts it again with backoff. Whoever waits for this write learns now, not after a timeout.
        var failure = new JanusSessionUnavailableException(_key, _status, $"journal unavailable: {cause.Message}");
        if (_creation is { } creation)
        {
            creation.ReplyTo.Tell(new Status.Failure(failure));
            _registry.Tell(new SessionDiscarded(_key));
        }
        _awaitingJournal?.Tell(new Status.Failure(failure));
        FailAllPending(failure);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /// <summary>Persists on behalf of a caller, who learns of a journal failure instead of waiting for a timeout.</summary>
    private void PersistFor<TEvent>(IActorRef replyTo, TEvent @event, Action<TEvent> handler) where TEvent : IJanusSessionEvent
    {
        _awaitingJournal = replyTo;
        Persist(@event, persisted =>
        {
            _awaitingJournal = null;
            handler(persisted);
        });
    }

    private long JanusId => _state.JanusSessionId ?? throw new InvalidOperationException($"session {_key} has no Janus id");

    private string NextTransaction() => _pending.NextTransaction();

    private IActorRef Transport => _transport ?? throw new InvalidOperationException("transport not connected");

    private JanusSessionInfo Snapshot() =>
        new(_key, _state.JanusSessionId, _status, _state.Transport, _state.Handles.Values.ToList(), _state.LastError, _reclaims, _cluster?.Node);

    /// <summary>
    /// A session that ended (or whose creation failed) has reported it and stops without dropping a request. On a single
    /// node the supervisor answers for it from now on and sends <see cref="StopEndedSession"/> behind whatever it forwarded
    /// before. A sharded entity asks its shard to passivate it: sharding then forgets the entity (no remember-entities
    /// restart), lets the queued messages through and holds new ones until the actor has stopped.
    /// </summary>
    private void StopSession()
    {
        if (_cluster is not null) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private void ReportChanged() => _registry.Tell(new SessionChanged(Snapshot()));
}
