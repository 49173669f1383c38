using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportReports;

namespace Janus.Actors.Transports;

/// <summary>
/// One WebSocket to Janus (<see cref="JanusOptions.WebSocketUrl"/>, subprotocol <c>janus-protocol</c>) shared by many
/// sessions, which talk to it directly. Janus routes by session: a session's events go to the socket that last created
/// or claimed it, so any number of sessions can live on one socket.
/// <list type="bullet">
/// <item>The first <see cref="Connect"/> opens the socket and asks Janus for <c>info</c> once; every Connect is answered
/// with <see cref="Connected"/> carrying that answer, so a thousand sessions need one handshake and one <c>info</c>.
/// A socket that cannot be opened answers the waiting sessions with <see cref="ConnectionLost"/>; the next Connect tries
/// again.</item>
/// <item><see cref="Send"/>s are written in order; what Janus sends is routed by <see cref="SessionRoutes"/>. A Send while
/// no socket is open is answered with ConnectionLost.</item>
/// <item>When the open socket breaks or Janus closes it, the actor throws <see cref="JanusTransportException"/>: before
/// its restart it tells every session it served <see cref="ConnectionLost"/>, and they claim again over the fresh
/// socket.</item>
/// </list>
/// </summary>
internal sealed class JanusConnectionActor : ReceiveActor, IWithTimers
{
    private readonly JanusOptions _options;
    private readonly Uri _url;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionRoutes _routes = new();
    private readonly List<IActorRef> _waiting = [];
    private readonly string _infoTransaction = "connection-info-" + Guid.NewGuid().ToString("N");

    // This incarnation's socket. The ActorRef survives restarts, so the background loops tag their reports with their
    // connection: whatever a previous incarnation's socket still reports is ignored.
    private JanusWebSocketConnection? _connection;
    private JanusMessage? _serverInfo;
    private bool _greeted; // info answered, refused or timed out: Connect is answered at once
    private bool _failing;

    public JanusConnectionActor(JanusOptions options)
    {
        _options = options;
        _url = options.UrlFor(JanusTransportKind.WebSocket);
        Idle();
    }

    /// <summary>Props for a shared WebSocket; throws at once when <see cref="JanusOptions.WebSocketUrl"/> is missing.</summary>
    public static Props Props(JanusOptions options)
    {
        options.UrlFor(JanusTransportKind.WebSocket);
        return Akka.Actor.Props.Create(typeof(JanusConnectionActor), options);
    }

    /// <summary>Whatever made this incarnation fail, its sessions learn that their socket is gone.</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        NotifyLost(reason.Message);
        base.PreRestart(reason, message);
    }

    /// <summary>Restarted after a loss it has warned about: failing to reopen is the same outage, not news.</summary>
    protected override void PostRestart(Exception reason)
    {
        _failing = true;
        base.PostRestart(reason);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop() => _connection?.Dispose();

    private void Idle()
    {
        Receive<Connect>(_ => Open());
        Receive<Send>(_ => Sender.Tell(new ConnectionLost("the WebSocket to Janus is not open")));
        Receive<SessionStopped>(_ => _routes.Forget(Sender));
        IgnoreOtherConnections();
    }

    private void Opening()
    {
        Receive<Opened>(opened => opened.Connection == _connection, _ => OnOpened());
        Receive<OpenFailed>(failed => failed.Connection == _connection, failed => OnOpenFailed(failed.Cause));
        Receive<Connect>(_ => _waiting.Add(Sender));
        Receive<Send>(_ => Sender.Tell(new ConnectionLost("the WebSocket to Janus is not open yet")));
        Receive<SessionStopped>(_ => _routes.Forget(Sender));
        IgnoreOtherConnections();
    }

    private void Ready()
    {
        Receive<Send>(OnSend);
        Receive<Arrived>(arrived => arrived.Connection == _connection, arrived => Route(arrived.Message));
        Receive<Lost>(lost => lost.Connection == _connection, lost =>
            throw JanusTransportFailure.Create(JanusTransportKind.WebSocket, lost.Reason, lost.Cause));
        Receive<Connect>(_ =>
        {
            if (_greeted) Sender.Tell(new Connected(JanusTransportKind.WebSocket, _serverInfo), Self);
            else _waiting.Add(Sender);
        });
        Receive<InfoTimedOut>(timedOut => timedOut.Connection == _connection, _ => AnswerWaiting()); // sessions ask for info themselves
        Receive<SessionStopped>(_ => _routes.Forget(Sender));
        IgnoreOtherConnections();
    }

    // Reports from the socket of a previous incarnation: it is gone, and so is what it was doing.
    private void IgnoreOtherConnections() => Receive<ConnectionReport>(_ => { });

    private void Open()
    {
        _waiting.Add(Sender);
        var connection = _connection = new JanusWebSocketConnection();
        connection.OpenAsync(_url, _options.RequestTimeout).PipeTo(
            Self,
            success: () => new Opened(connection),
            failure: cause => new OpenFailed(connection, cause));
        Become(Opening);
    }

    private void OnOpened()
    {
        var connection = _connection!;
        var self = Self;
        connection.RunAsync(_options.MaxMessageBytes, message => self.Tell(new Arrived(connection, message)), _log).PipeTo(
            self,
            success: reason => new Lost(connection, reason, null),
            failure: cause => new Lost(connection, "The WebSocket to Janus failed", cause));
        if (_failing) _log.Info("WebSocket {Connection} to Janus at {JanusAddress} is open again", Self.Path.Name, _url.Authority);
        else _log.Debug("WebSocket {Connection} to Janus at {JanusAddress} is open", Self.Path.Name, _url.Authority);
        _failing = false;
        connection.Send(JanusCredentials.Apply(JanusRequests.Info(_infoTransaction), _options));
        Timers.StartSingleTimer("info", new InfoTimedOut(connection), _options.RequestTimeout);
        Become(Ready);
    }

    /// <summary>Janus could not be reached: the sessions waiting learn it now and retry on their own schedule.</summary>
    private void OnOpenFailed(Exception cause)
    {
        var reason = $"Could not open a WebSocket to Janus at {_url.Authority}: {cause.Message}";
        // One warning per outage, not one per retry: every session's backoff leads here while Janus is down.
        if (_failing) _log.Debug("{Reason}", reason);
        else _log.Warning("{Reason}", reason);
        _failing = true;
        JanusTransportFailure.Count(JanusTransportKind.WebSocket);
        foreach (var session in _waiting) session.Tell(new ConnectionLost(reason));
        _waiting.Clear();
        _connection!.Dispose();
        _connection = null;
        Become(Idle);
    }

    private void OnSend(Send send)
    {
        _routes.Learn(Sender, send.Request);
        _connection!.Send(JanusCredentials.Apply(send.Request, _options));
    }

    private void Route(JanusMessage message)
    {
        if (message.Transaction == _infoTransaction)
        {
            _serverInfo = message.Janus == JanusMessageKinds.ServerInfo ? message : null;
            if (_serverInfo is null) _log.Warning("Janus refused info on {Connection}: {Code} {Reason}", Self.Path.Name, message.Error?.Code, message.Error?.Reason);
            AnswerWaiting();
            return;
        }
        if (_routes.Find(message) is { } session)
        {
            session.Tell(new Received(message), Self);
            return;
        }
        JanusMetrics.InboundRejected.Add(1, new KeyValuePair<string, object?>("reason", "unknown-session"));
        _log.Debug("Dropped {Kind} from Janus on {Connection}: no session on this connection claims it", message.Janus, Self.Path.Name);
    }

    private void AnswerWaiting()
    {
        _greeted = true;
        foreach (var session in _waiting) session.Tell(new Connected(JanusTransportKind.WebSocket, _serverInfo), Self);
        _waiting.Clear();
    }

    private void NotifyLost(string reason)
    {
        var lost = new ConnectionLost(reason);
        var count = _routes.Count;
        foreach (var session in _routes.Sessions.Concat(_waiting)) session.Tell(lost);
        if (count > 0 || _connection is not null)
            _log.Warning("WebSocket {Connection} to Janus at {JanusAddress} lost ({Reason}): its {Count} sessions claim again",
                Self.Path.Name, _url.Authority, reason, count);
    }

    /// <summary>
    /// What a connection's background work tells the actor. Not logged as a dead letter: reports that arrive after
    /// the actor stopped are expected. Local to this actor (the socket itself, exceptions): never serialized.
    /// </summary>
    private abstract record ConnectionReport(JanusWebSocketConnection Connection) : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    private sealed record Opened(JanusWebSocketConnection Connection) : ConnectionReport(Connection);

    private sealed record OpenFailed(JanusWebSocketConnection Connection, Exception Cause) : ConnectionReport(Connection);

    private sealed record Arrived(JanusWebSocketConnection Connection, JanusMessage Message) : ConnectionReport(Connection);

    private sealed record Lost(JanusWebSocketConnection Connection, string Reason, Exception? Cause) : ConnectionReport(Connection);

    private sealed record InfoTimedOut(JanusWebSocketConnection Connection) : ConnectionReport(Connection);
}
