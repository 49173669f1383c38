using Akka.Actor;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

// The session's transport: a shared WebSocket connection or its own REST child, connected, replaced and released.
internal sealed partial class JanusSessionActor
{
    /// <summary>
    /// Opens a transport: a WebSocket session asks the pool for its shared connection, a REST session uses its own child,
    /// started once for the server it is on and kept across reclaims (its long poll must not be orphaned: see
    /// <see cref="JanusRestConnections"/>). Either answers <see cref="JanusTransportReports.Connected"/>, whose sender
    /// carries the requests from then on.
    /// </summary>
    private void Connect()
    {
        _connecting = true;
        if (_state.Transport == JanusTransportKind.Rest)
        {
            _rest ??= Context.ActorOf(Server.RestProps(_servers.ClaimRefusal), $"transport-{++_restLinks}");
            _rest.Tell(JanusTransportCommands.Connect.Instance);
            return;
        }
        Server.Options.UrlFor(JanusTransportKind.WebSocket); // no WebSocket URL: fails here, as a create with it must
        Server.Home.Tell(JanusTransportCommands.Connect.Instance);
    }

    /// <summary>
    /// A REST child answers for itself; a WebSocket's answer comes from whichever connection of its server's pool the pool
    /// chose (not from a server a placed create has left).
    /// </summary>
    private bool IsAnswerToConnect() => _connecting && (IsOwnServersConnection() || Sender.Equals(_rest));

    private bool IsOwnServersConnection() =>
        _state.Transport == JanusTransportKind.WebSocket && Server.IsConnection(Sender);

    /// <summary>Requests go to the transport that answered; the <c>info</c> a shared connection fetched is this session's too.</summary>
    private void OnConnected(JanusTransportReports.Connected connected)
    {
        _connecting = false;
        _transport = Sender;
        if (connected.ServerInfo is { } info && _timeouts is null) OnServerInfo(info);
    }

    /// <summary>
    /// Why this session's transport failed, or null when the news is stale: a REST child's failure through supervision,
    /// or a shared connection's loss while this session waits for it or uses it.
    /// </summary>
    private string? TransportFailure(object message) => message switch
    {
        TransportFailed failed when failed.Transport.Equals(_rest) => failed.Cause.Message,
        JanusTransportReports.ConnectionLost lost when (_connecting && IsOwnServersConnection()) || Sender.Equals(_transport) =>
            lost.Reason,
        _ => null,
    };

    /// <summary>
    /// A reclaim starts on a fresh transport: a shared connection is asked for again, and whatever the old one still
    /// delivers belongs to failed requests and is dropped. A REST child stays (its requests are answered or fail one by one,
    /// and its long poll goes on).
    /// </summary>
    private void ReleaseTransport()
    {
        _transport = null;
        _connecting = false;
    }

    /// <summary>
    /// A REST child failed (it throws only when misused): its supervisor stopped it, and the next connect starts another,
    /// which claims (the stopped one's long poll may still wait in Janus).
    /// </summary>
    private void ForgetFailedRestLink(object message)
    {
        if (message is not TransportFailed failed || !failed.Transport.Equals(_rest)) return;
        _rest = null;
        _claimed = false;
    }

    /// <summary>
    /// A REST session long-polls while it has handles: only handles bring events, and a poll holds one of the server's few
    /// HTTP connections (see <see cref="JanusRestConnections"/>). Not while it is being destroyed: its last poll must come
    /// back (its handles' detach answers it) and not be sent again.
    /// </summary>
    private void PollWhileHandles()
    {
        if (_rest is not { } rest || _state.JanusSessionId is not { } id) return;
        rest.Tell(_state.Handles.Count > 0 && !_destroying ? new JanusTransportCommands.StartPolling(id) : JanusTransportCommands.StopPolling.Instance);
    }

    /// <summary>
    /// The session's own Janus server. A session recovered on a server the configuration no longer has never gets here: it
    /// reports that and waits (<c>OnRecovered</c>).
    /// </summary>
    private JanusServerLink Server => _servers.Find(_state.Server)
        ?? throw new InvalidOperationException($"Janus server '{_state.Server}' of session {_key} is not configured");

    /// <summary>
    /// Leaves a server before trying another one: its shared connection (whose routes learned this session's requests), or
    /// the REST child on its connections.
    /// </summary>
    private void LeaveServer()
    {
        ReleaseTransport();
        if (_state.Transport == JanusTransportKind.WebSocket) Server.Home.Tell(JanusTransportCommands.SessionStopped.Instance);
        if (_rest is { } rest) Context.Stop(rest);
        _rest = null;
    }

    private void OnServerInfo(JanusMessage info)
    {
        _timeouts = ServerTimeouts.From(JanusServerInfo.From(info));
        var period = _timeouts.KeepAlivePeriod(_options.KeepAliveInterval, _state.Transport);
        if (period != _keepAlivePeriod)
        {
            _keepAlivePeriod = period;
            Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, period);
        }
    }
}
