using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Cluster.Sharding;
using Akka.Persistence;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

/// <summary>
/// One Janus session, keyed by the caller's session key and persisted as <c>janus-session-{key}</c>.
/// After a crash it recovers its Janus session id from the journal, claims it on a fresh transport, and only
/// then restarts keep-alives with that id. A claim Janus refuses for good (<see cref="ClaimFailures"/>) persists the
/// session as lost and ends it; a transient failure (no connection, no answer) makes the session claim again over a fresh
/// transport after a backoff, inside the actor, until Janus has been unreachable for a whole reclaim window.
/// Stopping this actor never destroys the Janus session; only <see cref="DestroySession"/> does.
/// Its parent is its region, the same contract on one node (<c>LocalSessionRegion</c>) and in a cluster (sharding,
/// remember-entities): an ended session stays for its retention (<see cref="JanusOptions.EndedSessionRetention"/>), then
/// deletes its events and passivates, so that it is forgotten instead of restarted.
/// </summary>
/// <remarks>
/// One file per phase (<c>JanusSessionActor.*.cs</c>). <c>Enter</c> (<c>JanusSessionActor.Behaviours.cs</c>) is the one
/// place a session changes phase (<see cref="SessionPhase"/>): its status and its behaviour move together, along the legal
/// moves only (<see cref="SessionPhases.CanMove"/>). Each request to Janus declares its three outcomes (success, error, no
/// answer) where it is sent (<c>Send</c>), so a claim or a create reads top to bottom:
/// <code>
/// Recovering ─nothing persisted→ Idle ─CreateSession→ Creating ─created / adopted→ Active                    (Creation)
///                                                        │  └─472 or unreachable, placed→ next server, still Creating
///                                                        └─failed→ Discarded: stops, the key is free again
/// Recovering ─a Janus id→ Reclaiming ─claimed→ Active ─transport lost, keep-alives unanswered→ Reclaiming      (Reclaim)
///                            │  └─no answer→ retry on a timer (backoff), still Reclaiming
///                            └─458/403/457 (ClaimFailures), or unreachable for a whole window→ Lost         (Endings)
/// Active ─DestroySession→ Destroyed; Active ─458 on a request→ Lost                                         (Requests)
/// Recovering ─on a retired server→ Lost; ─on a server not configured→ Stranded (shows reclaiming, the node stops)
/// Recovering ─ended→ Lost or Destroyed; Lost, Destroyed, Stranded: answer what they are, refuse the rest
/// Lost, Destroyed ─retention passed→ events deleted, registry told (SessionForgotten), passivates          (Endings)
/// </code>
/// </remarks>
internal sealed partial class JanusSessionActor : PersistentActor, IWithTimers
{
    public const string PersistenceIdPrefix = "janus-session-";

    /// <param name="key">The caller's name for the session.</param>
    /// <param name="options">How to reach Janus.</param>
    /// <param name="registry">Receives the session's snapshots and notices (its node's <c>JanusSessionRegistry</c>).</param>
    /// <param name="servers">The node's links to its Janus servers.</param>
    /// <param name="node">This cluster node (<c>host:port</c>) when the session is a sharded entity; null on a single node.</param>
    public static Props Props(string key, JanusOptions options, IActorRef registry, JanusServers servers,
        string? node = null) =>
        Akka.Actor.Props.CreateBy(new Producer(key, options, registry, servers, node));

    /// <summary>
    /// Builds the actor with a plain constructor call: <c>Props.Create(() => new ...)</c> compiles its expression on every
    /// call, which costs more than the actor itself when ten thousand sessions start at once.
    /// </summary>
    private sealed class Producer(string key, JanusOptions options, IActorRef registry, JanusServers servers,
        string? node) : IIndirectActorProducer
    {
        public Type ActorType => typeof(JanusSessionActor);

        public ActorBase Produce() => new JanusSessionActor(key, options, registry, servers, node);

        public void Release(ActorBase actor) { }
    }

    // Messages to itself never leave the actor: exempt from serialize-messages checks.
    private sealed record KeepAliveTick : INoSerializationVerificationNeeded
    {
        public static readonly KeepAliveTick Instance = new();
    }

    private sealed record ForgetEndedSession : INoSerializationVerificationNeeded
    {
        public static readonly ForgetEndedSession Instance = new();
    }

    private sealed record ConnectTransport : INoSerializationVerificationNeeded
    {
        public static readonly ConnectTransport Instance = new();
    }

    private sealed record RequestTimedOut(string Transaction) : INoSerializationVerificationNeeded;

    /// <summary>A request this node must not send now (<see cref="HeldBack"/>): it fails as unanswered.</summary>
    private sealed record RequestHeldBack(string Transaction, string Reason) : INoSerializationVerificationNeeded;

    private sealed record TransportFailed(IActorRef Transport, Exception Cause) : INoSerializationVerificationNeeded;

    private const string KeepAliveTimer = "keepalive";
    private const string ConnectTimer = "connect";
    private const string ForgetTimer = "forget";

    private readonly string _key;
    private readonly JanusOptions _options;
    private readonly IActorRef _registry;
    private readonly JanusServers _servers;
    private readonly string? _node;
    private readonly ReclaimBackoff _backoff;
    private readonly PendingRequests _pending = new();

    // What the session is: its journal's state, and its phase (changed by Enter only, with the behaviour).
    private PersistedSession _state = PersistedSession.Empty;
    private SessionPhase _phase = SessionPhase.Recovering;
    private IActorRef? _awaitingJournal; // the caller of a write under way, told if the journal fails it

    // Creating: the caller, and the servers a placed create has tried, in order.
    private (CreateSession Command, IActorRef ReplyTo)? _creation;
    private readonly List<string> _triedServers = new();

    // Its transport, in every phase with a Janus session.
    private IActorRef? _transport; // the shared connection or the REST child that answered Connected
    private bool _connecting; // a Connect is out: its answer (or a WebSocket's ConnectionLost) is this session's
    private IActorRef? _rest; // a REST session's child, kept across reclaims on its server
    private int _restLinks; // names each REST child apart: a failed one may not have stopped yet
    private bool _claimed; // this incarnation created, adopted or claimed the Janus session: no other process's poll is attached
    private bool _destroying; // a destroy under way (a REST session first detaches its handles)
    private ServerTimeouts? _timeouts; // what the server's info said
    private DateTimeOffset? _lastAnswered; // Janus last answered one of this session's requests, in this process

    // Reclaiming: the attempts of the current reclaim, and the reclaims of this incarnation.
    private int _reclaimAttempt;
    private DateTimeOffset _reclaimStarted = DateTimeOffset.UtcNow;
    private DateTimeOffset? _unreachableSince; // first failed contact of the current reclaim
    private int _reclaims; // told to subscribers (SessionReclaimed), each after its resync

    // Resyncing after a reclaim: the resync under way (null: none), and what the last one found.
    private ResyncUnderWay? _resync;
    private IReadOnlyList<HandleResync>? _lastResync;

    // Tracing: the trace of the command being handled, which the requests it sends join (JanusTracing).
    private string? _traceParent;

    // Active: keep-alives.
    private TimeSpan _keepAlivePeriod;
    private int _unansweredKeepAlives;

    public JanusSessionActor(string key, JanusOptions options, IActorRef registry, JanusServers servers,
        string? node = null)
    {
        _key = key;
        _options = options;
        _registry = registry;
        _servers = servers;
        _node = node;
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

    /// <summary>Every message: a command's trace (<see cref="IJanusSessionCommand.TraceParent"/>) is the one its requests join.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        _traceParent = (message as IJanusSessionCommand)?.TraceParent;
        return base.AroundReceive(receive, message);
    }

    /// <summary>A WebSocket session leaves its shared connection's routes.</summary>
    protected override void PostStop()
    {
        if (_state.Transport == JanusTransportKind.WebSocket && _servers.Find(_state.Server) is { } server)
            server.Home.Tell(JanusTransportCommands.SessionStopped.Instance);
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
        if (_state.Ended is { } ended)
        {
            Enter(ended == JanusSessionStatus.Destroyed ? SessionPhase.Destroyed : SessionPhase.Lost);
            ReportChanged();
            ForgetWhenRetentionPassed();
            return;
        }

        if (_state.IsNew)
        {
            Enter(SessionPhase.Idle);
            return;
        }
        if (_servers.Find(_state.Server) is not { } server)
        {
            Strand();
            return;
        }
        if (server.Settings.Retired) EndAsLost(null, $"server retired: Janus server '{_state.Server}' is marked Retired in the configuration");
        else BeginReclaim();
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
        new(_key, _state.JanusSessionId, Status, _state.Transport, _state.Handles.Values.ToList(), _state.LastError, _reclaims, _node, _state.Server, _lastResync);

    /// <summary>
    /// A session that ended (or whose creation failed, or that was never created) has reported it and stops without
    /// dropping a request: it asks its region to passivate it, on one node (<c>LocalSessionRegion</c>) as in a
    /// cluster (sharding, which then also forgets the remembered entity). The region sends <see cref="StopEndedSession"/>
    /// behind the messages already queued, holds new ones until the actor has stopped, and starts it again for them.
    /// </summary>
    private void StopSession() => Context.Parent.Tell(new Passivate(StopEndedSession.Instance));

    private void ReportChanged() => _registry.Tell(new SessionChanged(Snapshot()));
}
