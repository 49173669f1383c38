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
    private void OnConnected(JanusTransportReports.Connected connected)
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
        JanusTransportReports.ConnectionLost lost when (_connecting && _state.Transport == JanusTransportKind.WebSocket) || Sender.Equals(_transport) =>
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
}
