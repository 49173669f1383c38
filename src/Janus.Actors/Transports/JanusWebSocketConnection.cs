using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Event;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// One WebSocket to Janus, owned by one <see cref="JanusConnectionActor"/> incarnation. A read loop delivers whole,
/// parsed messages; a write loop drains an in-memory outbox, so there is never more than one
/// <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/> at a time
/// (ClientWebSocket forbids concurrent sends) and requests leave in the order they were handed over.
/// </summary>
internal sealed class JanusWebSocketConnection : IDisposable
{
    /// <summary>The subprotocol Janus requires in the handshake.</summary>
    public const string SubProtocol = "janus-protocol";

    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<JanusRequest> _outbox =
        Channel.CreateUnbounded<JanusRequest>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public JanusWebSocketConnection() => _socket.Options.AddSubProtocol(SubProtocol);

    /// <summary>Opens the socket; fails on refusal, a rejected handshake, or when <paramref name="timeout"/> passes.</summary>
    public async Task OpenAsync(Uri url, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(timeout);
        try
        {
            await _socket.ConnectAsync(url, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            throw new TimeoutException($"no handshake within {timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Queues a request for the write loop. Never blocks.</summary>
    public void Send(JanusRequest request) => _outbox.Writer.TryWrite(request);

    /// <summary>
    /// Reads and writes until the socket ends: completes with a description when Janus closes it, throws when it
    /// breaks. Either way the connection is finished.
    /// </summary>
    public async Task<string> RunAsync(int maxMessageBytes, Action<JanusMessage> deliver, ILoggingAdapter log)
    {
        var reading = ReadAsync(maxMessageBytes, deliver, log);
        var writing = WriteAsync();
        var first = await Task.WhenAny(reading, writing).ConfigureAwait(false);
        _stop.Cancel(); // the other loop has nothing left to do
        await Task.WhenAll(reading, writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await first.ConfigureAwait(false); // rethrows whatever broke the socket
        return await reading.ConfigureAwait(false);
    }

    /// <summary>Stops both loops and drops the socket at once: no close handshake, nothing left running.</summary>
    public void Dispose()
    {
        _outbox.Writer.TryComplete();
        _stop.Cancel();
        _socket.Abort();
        _socket.Dispose();
    }

    private async Task<string> ReadAsync(int maxMessageBytes, Action<JanusMessage> deliver, ILoggingAdapter log)
    {
        await WebSocketMessageReader.ReadUntilClosedAsync(
            _socket,
            maxMessageBytes,
            utf8 =>
            {
                if (JanusInbound.Parse(utf8.Span, log) is { } message)
                    deliver(message);
            },
            bytes => JanusInbound.RejectOversized(bytes, maxMessageBytes, log),
            _stop.Token).ConfigureAwait(false);
        return $"Janus closed the WebSocket ({_socket.CloseStatus?.ToString() ?? "no status"})";
    }

    private async Task WriteAsync()
    {
        await foreach (var request in _outbox.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            await _socket.SendAsync(request.ToUtf8Json().AsMemory(), WebSocketMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
    }
}
