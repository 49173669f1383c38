using Akka.Actor;
using Akka.Event;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportEvents;

namespace Janus.Actors.Transports;

/// <summary>
/// A session's WebSocket to Janus (<see cref="JanusOptions.WebSocketUrl"/>, subprotocol <c>janus-protocol</c>).
/// Opens it on <see cref="Connect"/> (not in PreStart: the parent decides when), forwards every message from Janus
/// to its parent as <see cref="Received"/> in arrival order, and writes <see cref="Send"/> requests in order.
/// Throws <see cref="JanusTransportException"/> when the socket cannot be opened, breaks, or is closed by Janus, or on a
/// Send before <see cref="Connected"/>; the parent's supervisor restarts it and sends Connect again.
/// <see cref="StartPolling"/> is ignored: Janus pushes events over the socket.
/// </summary>
public sealed class WebSocketTransportActor : ReceiveActor
{
    private readonly JanusOptions _options;
    private readonly Uri _url;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // This incarnation's socket, created by the first Connect and dropped in PostStop. The ActorRef survives
    // restarts, so the background loops tag what they send to Self with their connection: whatever a previous
    // incarnation's socket still reports is ignored.
    private JanusWebSocketConnection? _connection;

    public WebSocketTransportActor(JanusOptions options)
    {
        _options = options;
        _url = options.UrlFor(JanusTransportKind.WebSocket);
        Idle();
    }

    /// <summary>Props for a WebSocket transport; throws at once when <see cref="JanusOptions.WebSocketUrl"/> is missing.</summary>
    public static Props Props(JanusOptions options)
    {
        options.UrlFor(JanusTransportKind.WebSocket);
        return Akka.Actor.Props.Create(() => new WebSocketTransportActor(options));
    }

    protected override void PostStop() => _connection?.Dispose();

    private void Idle()
    {
        Receive<Connect>(_ => Open());
        Receive<Send>(send => throw JanusTransportFailure.NotConnected(JanusTransportKind.WebSocket, send));
        Receive<StartPolling>(_ => { });
        IgnoreOtherConnections();
    }

    private void Opening()
    {
        Receive<Opened>(opened => opened.Connection == _connection, _ => OnOpened());
        Receive<OpenFailed>(failed => failed.Connection == _connection, failed =>
            throw JanusTransportFailure.Create(JanusTransportKind.WebSocket, $"Could not open a WebSocket to Janus at {_url.Authority}", failed.Cause));
        Receive<Connect>(_ => { }); // Connected follows once the socket is open
        Receive<Send>(send => throw JanusTransportFailure.NotConnected(JanusTransportKind.WebSocket, send));
        Receive<StartPolling>(_ => { });
        IgnoreOtherConnections();
    }

    private void Ready()
    {
        Receive<Send>(send => _connection!.Send(JanusCredentials.Apply(send.Request, _options)));
        Receive<Arrived>(arrived => arrived.Connection == _connection, arrived => Context.Parent.Tell(new Received(arrived.Message)));
        Receive<Lost>(lost => lost.Connection == _connection, lost =>
            throw JanusTransportFailure.Create(JanusTransportKind.WebSocket, lost.Reason, lost.Cause));
        Receive<Connect>(_ => Context.Parent.Tell(new Connected(JanusTransportKind.WebSocket)));
        Receive<StartPolling>(_ => { });
        IgnoreOtherConnections();
    }

    // Reports from the socket of a previous incarnation: it is gone, and so is what it was doing.
    private void IgnoreOtherConnections() => Receive<ConnectionReport>(_ => { });

    private void Open()
    {
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
        _log.Debug("WebSocket to Janus at {JanusAddress} is open", _url.Authority);
        Context.Parent.Tell(new Connected(JanusTransportKind.WebSocket));
        Become(Ready);
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
}
