using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Transports;

namespace Janus.Actors.Servers;

/// <summary>
/// The home of one Janus server on this node, at <c>/user/janus-server-{name}</c>: everything about the server lives here,
/// as a shard owns its entities' bookkeeping. It owns the server's WebSockets (its <see cref="JanusConnectionPool"/>
/// child, which sessions reach through it) and its REST connections (<see cref="JanusRestConnections"/>, closed with it);
/// it asks the server for <c>info</c> every <see cref="JanusOptions.ServerProbeInterval"/> (<see cref="JanusServerProbe"/>:
/// REST, else or when REST fails WebSocket) and tells its subscribers — the node's registry, whose placement board,
/// <c>GET /v1/servers</c>, readiness and status page all read it — what it found (<see cref="Probed"/>); it drains and
/// undrains the server through its Admin API, and reads its sessions' handles after a reclaim (<see cref="HandleReads"/>); and it says, once for the server, what would otherwise be a line per session:
/// what Janus it is, that it is unreachable or answers again, that <c>reclaim_session_timeout = 0</c> leaves WebSocket
/// sessions no chance, that it restarted (<see cref="RestartNews"/>, from what its sessions report). A retired server's
/// home is not probed: nothing is placed there, and its sessions end as they recover.
/// </summary>
internal sealed class JanusServerActor : ReceiveActor, IWithTimers
{
    /// <summary>What the last probe found: <paramref name="Info"/>, or the <paramref name="Problem"/> that kept it from answering.</summary>
    internal sealed record Probed(string Server, JanusServerInfo? Info, string? Problem) : INoSerializationVerificationNeeded;

    /// <summary>From a registry: tell me every <see cref="Probed"/>, starting with the last one, and what the Admin API did.</summary>
    internal sealed record Subscribe : INoSerializationVerificationNeeded
    {
        public static readonly Subscribe Instance = new();
    }

    /// <summary>Set Janus's <c>accept_new_sessions</c>; answered to the sender with <see cref="AdminApplied"/>.</summary>
    internal sealed record SetAcceptNewSessions(bool Accept, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    /// <summary>The Admin API's answer (<paramref name="Problem"/> null: applied); a fresh probe is started with it.</summary>
    internal sealed record AdminApplied(string Server, bool Accept, IActorRef ReplyTo, string? Problem) : INoSerializationVerificationNeeded;

    /// <summary>From a session of this server: it began to reclaim its Janus session.</summary>
    internal sealed record Claiming(string Key) : INoSerializationVerificationNeeded;

    /// <summary>From a session of this server: Janus answered its claim.</summary>
    internal sealed record Claimed(string Key) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From a session of this server: its reclaim ended it lost, with Janus's <paramref name="Code"/> (null: unreachable
    /// for the whole window); <paramref name="ServerRestarted"/> when Janus no longer knew it right after answering it.
    /// </summary>
    internal sealed record ClaimEnded(string Key, int? Code, bool ServerRestarted) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From a session of this server that reclaimed its Janus session: read its handles (<see cref="HandleReads"/>);
    /// answered with <see cref="HandlesRead"/>.
    /// </summary>
    internal sealed record ReadHandles(long JanusSessionId, IReadOnlyList<(long HandleId, string Plugin)> Handles) : INoSerializationVerificationNeeded;

    /// <summary>What Janus holds of a session's handles now, in answer to <see cref="ReadHandles"/>.</summary>
    internal sealed record HandlesRead(long JanusSessionId, IReadOnlyList<HandleRead> Handles) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Admin API reads of handles in flight at once, per server: over HTTP each holds one of Janus's HTTP connections;
    /// over its WebSocket they are pipelined on one socket.
    /// </summary>
    internal static int HandleReadConcurrency(JanusAdminClient admin) => admin.Pipelined ? 512 : 16;

    private sealed record Probe : INoSerializationVerificationNeeded
    {
        public static readonly Probe Instance = new();
    }

    private sealed record SayNews : INoSerializationVerificationNeeded
    {
        public static readonly SayNews Instance = new();
    }

    /// <summary>The actor name under <c>/user</c> of the home of the server named <paramref name="server"/>.</summary>
    public static string NameFor(string server) => "janus-server-" + server;

    public static Props Props(JanusServerSettings settings, JanusOptions options, JanusRestConnections? rest) =>
        Akka.Actor.Props.Create(() => new JanusServerActor(settings, options, rest));

    private readonly JanusServerSettings _settings;
    private readonly JanusOptions _options;
    private readonly JanusRestConnections? _rest;
    private readonly JanusAdminClient? _admin;
    private readonly HandleReads? _handleReads;
    private readonly RestartNews _restarts;
    private readonly HashSet<IActorRef> _subscribers = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _connections = ActorRefs.Nobody;
    private Probed? _last;
    private bool _answered;

    public JanusServerActor(JanusServerSettings settings, JanusOptions options, JanusRestConnections? rest)
    {
        _settings = settings;
        _options = options;
        _rest = rest;
        _restarts = new RestartNews(settings.Name, _log);
        if (settings is { AdminUrl: { } url, AdminSecret: { } secret })
        {
            _admin = new JanusAdminClient(url, secret);
            _handleReads = new HandleReads(_admin, settings.Name, HandleReadConcurrency(_admin), options.RequestTimeout, _log);
        }

        Receive<JanusTransportCommands.Connect>(connect => _connections.Forward(connect));
        Receive<JanusTransportCommands.SessionStopped>(stopped => _connections.Forward(stopped));

        Receive<Subscribe>(_ =>
        {
            if (_subscribers.Add(Sender)) Context.Watch(Sender);
            if (_last is { } last) Sender.Tell(last);
        });
        Receive<Terminated>(terminated => _subscribers.Remove(terminated.ActorRef));
        Receive<Probe>(_ => ProbeNow());
        Receive<Probed>(OnProbed);
        Receive<SetAcceptNewSessions>(OnSetAccept);
        Receive<ReadHandles>(read => (_handleReads?.ReadAsync(read.JanusSessionId, read.Handles)
                                      ?? Task.FromResult(HandleReads.WithoutAdminApi(settings.Name, read.Handles)))
            .PipeTo(Sender, success: handles => new HandlesRead(read.JanusSessionId, handles)));
        Receive<AdminApplied>(applied =>
        {
            ProbeNow(); // the next probe shows Janus's own accepting-new-sessions
            Sender.Tell(applied);
        });

        Receive<Claiming>(reclaiming => Gather(() => _restarts.Claiming(reclaiming.Key)));
        Receive<Claimed>(reclaimed => Gather(() => _restarts.Reclaimed(reclaimed.Key)));
        Receive<ClaimEnded>(ended => Gather(() =>
        {
            if (ended.ServerRestarted) _restarts.LostToRestart();
            _restarts.Ended(ended.Key, ended.Code);
        }));
        Receive<SayNews>(_ =>
        {
            _restarts.Say();
            if (_restarts.Gathering) Timers.StartSingleTimer(SayNews.Instance, SayNews.Instance, Gathering);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        if (_settings.WebSocketUrl is not null) _connections = Context.ActorOf(JanusConnectionPool.Props(_options), "connections");
        if (_rest is not null) JanusMetrics.Track(_rest);
        if (_settings.Retired) return;
        ProbeNow();
        Timers.StartPeriodicTimer(Probe.Instance, Probe.Instance, _options.ServerProbeInterval);
    }

    protected override void PostStop()
    {
        _admin?.Dispose();
        _handleReads?.Dispose();
        if (_rest is null) return;
        JanusMetrics.Untrack(_rest);
        _rest.Dispose();
    }

    /// <summary>A little over the longest reclaim backoff: the sessions of a restarted server claim on their own timers.</summary>
    private TimeSpan Gathering => _options.MaxReclaimBackoff + TimeSpan.FromSeconds(1);

    private void Gather(Action news)
    {
        news();
        if (_restarts.Gathering && !Timers.IsTimerActive(SayNews.Instance)) Timers.StartSingleTimer(SayNews.Instance, SayNews.Instance, Gathering);
    }

    private void ProbeNow() => ProbeAsync().PipeTo(Self);

    private async Task<Probed> ProbeAsync()
    {
        using var cancel = new CancellationTokenSource(_options.RequestTimeout);
        try
        {
            return new Probed(_settings.Name, await JanusServerProbe.InfoAsync(_options, _rest?.Probe, cancel.Token).ConfigureAwait(false), null);
        }
        catch (JanusServerUnavailableException e) // it names the URL (no credentials) and why
        {
            return new Probed(_settings.Name, null, e.Message);
        }
    }

    private void OnProbed(Probed probed)
    {
        var wasReachable = _last?.Info is not null;
        var first = _last is null;
        _last = probed;
        foreach (var subscriber in _subscribers) subscriber.Tell(probed);
        if (probed.Info is not { } info)
        {
            _rest?.Unreachable($"its info probe failed: {probed.Problem}"); // its REST sessions hear it
            if (first || wasReachable) _log.Warning("Janus server '{Server}' is unreachable: {Problem}", probed.Server, probed.Problem);
        }
        else if (!_answered) SayWhatJanusItIs(info);
        else if (!wasReachable) _log.Info("Janus server '{Server}' answers again", probed.Server);
    }

    /// <summary>The first answer: the version and timeouts, and a warning when WebSocket sessions cannot survive a crash.</summary>
    private void SayWhatJanusItIs(JanusServerInfo info)
    {
        _answered = true;
        _log.Info("Janus server '{Server}': Janus {JanusVersion} answers: session_timeout {SessionTimeout} s, reclaim_session_timeout {ReclaimSessionTimeout} s",
            _settings.Name, info.Version, info.SessionTimeoutSeconds, info.ReclaimSessionTimeoutSeconds);
        if (info.ReclaimSessionTimeoutSeconds == 0 && _settings.WebSocketUrl is not null)
            _log.Warning("Janus server '{Server}' reports reclaim_session_timeout = 0: it destroys a WebSocket session as soon as its socket closes, " +
                         "so WebSocket sessions cannot survive a crash of this process. Set reclaim_session_timeout in its janus.jcfg.", _settings.Name);
    }

    private void OnSetAccept(SetAcceptNewSessions set)
    {
        var name = _settings.Name;
        var replyTo = Sender;
        if (_admin is null)
        {
            Self.Tell(new AdminApplied(name, set.Accept, set.ReplyTo, "no Admin API is configured for this server (AdminUrl, AdminSecret)"), replyTo);
            return;
        }
        _admin.AcceptNewSessionsAsync(set.Accept).PipeTo(Self, replyTo,
            success: () => new AdminApplied(name, set.Accept, set.ReplyTo, null),
            failure: cause => new AdminApplied(name, set.Accept, set.ReplyTo, $"the Admin API did not apply it: {(cause.InnerException ?? cause).Message}"));
    }
}
