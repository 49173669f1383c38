using Akka.Actor;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Sessions;

// The session's transport: a shared WebSocket connection or its own REST child, connected, replaced and released.
internal sealed partial class JanusSessionActor
{
    /// <summary>
    /// Opens a transport: a WebSocket session asks the pool for its shared connection, a REST session starts a child of
    /// its own. Either answers <see cref="JanusTransportReports.Connected"/>, whose sender carries the requests from then on.
    /// </summary>
    private void Connect()
    {
        _connecting = true;
        if (_state.Transport == JanusTransportKind.Rest)
        {
            _transport = Context.ActorOf(Server.RestProps(), $"transport-{++_restLinks}");
            _transport.Tell(JanusTransportCommands.Connect.Instance);
            return;
        }
        Server.Options.UrlFor(JanusTransportKind.WebSocket); // no WebSocket URL: fails here, as a create with it must
        Server.Connections.Tell(JanusTransportCommands.Connect.Instance);
    }

    /// <summary>
    /// A REST child answers for itself; a WebSocket's answer comes from whichever connection of its server's pool the pool
    /// chose (not from a server a placed create has left).
    /// </summary>
    private bool IsAnswerToConnect() => _connecting && (IsOwnServersConnection() || Sender.Equals(_transport));

    private bool IsOwnServersConnection() =>
        _state.Transport == JanusTransportKind.WebSocket && Sender.Path.Parent.Equals(Server.Connections.Path);

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
        TransportFailed failed when failed.Transport.Equals(_transport) => failed.Cause.Message,
        JanusTransportReports.ConnectionLost lost when (_connecting && IsOwnServersConnection()) || Sender.Equals(_transport) =>
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

    /// <summary>
    /// The session's own Janus server. A session recovered on a server the configuration no longer has never gets here: it
    /// reports that and waits (<c>OnRecovered</c>).
    /// </summary>
    private JanusServerLink Server => _transports.Find(_state.Server)
        ?? throw new InvalidOperationException($"Janus server '{_state.Server}' of session {_key} is not configured");

    /// <summary>Leaves a server's shared connection before trying another one (its routes learned this session's requests).</summary>
    private void LeaveServer()
    {
        ReleaseTransport();
        if (_state.Transport == JanusTransportKind.WebSocket) Server.Connections.Tell(JanusTransportCommands.SessionStopped.Instance);
    }

    private void OnServerInfo(JanusMessage info)
    {
        _timeouts = ServerTimeouts.From(info);
        _registry.Tell(new ServerInfoLearned(_state.Server, info.ServerSessionTimeout ?? 0, info.ServerReclaimSessionTimeout ?? 0));
        var period = _timeouts.KeepAlivePeriod(_options.KeepAliveInterval, _state.Transport);
        if (period != _keepAlivePeriod)
        {
            _keepAlivePeriod = period;
            Timers.StartPeriodicTimer(KeepAliveTimer, KeepAliveTick.Instance, period);
        }
    }
}
