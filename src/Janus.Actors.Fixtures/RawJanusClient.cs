using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Janus.Actors.Protocol;
using Janus.Actors.Sessions;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A minimal Janus API client over one WebSocket, with none of the library's supervision: it plays "a session created
/// by someone else" in adoption tests and is the benchmark baseline for raw claim throughput. Replies are matched to
/// requests by transaction; everything else (events, and later messages for an already answered transaction such as
/// the <c>event</c> after a <c>message</c>'s <c>ack</c>) goes to <see cref="Events"/>.
/// </summary>
public sealed class RawJanusClient : IAsyncDisposable
{
    private const int ReceiveChunkBytes = 16 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly string? _apiSecret;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JanusMessage>> _pending = new();
    private readonly Channel<JanusMessage> _events = Channel.CreateUnbounded<JanusMessage>(new() { SingleWriter = true });
    private readonly Task _receiving;
    private Exception? _closed;
    private long _lastTransaction;

    private RawJanusClient(ClientWebSocket socket, string? apiSecret)
    {
        _socket = socket;
        _apiSecret = apiSecret;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Opens a WebSocket to Janus with the <c>janus-protocol</c> subprotocol.</summary>
    /// <param name="url">The Janus WebSocket URL, e.g. <see cref="JanusServer.WebSocketUrl"/>.</param>
    /// <param name="apiSecret">Sent as <c>apisecret</c> with every request when Janus has an <c>api_secret</c>.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    public static async Task<RawJanusClient> ConnectAsync(Uri url, string? apiSecret = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("janus-protocol");
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawJanusClient(socket, apiSecret);
    }

    /// <summary>Messages that answer no pending request: events, and anything after a request's first reply.</summary>
    public ChannelReader<JanusMessage> Events => _events.Reader;

    /// <summary>A transaction id unique on this client.</summary>
    public string NewTransaction() => $"raw-{Interlocked.Increment(ref _lastTransaction)}";

    /// <summary>
    /// Sends a request and returns Janus's first reply with the same transaction (<c>success</c>, <c>ack</c>,
    /// <c>server_info</c>). An <c>error</c> reply throws <see cref="JanusRequestException"/>; a closed socket throws
    /// <see cref="IOException"/>.
    /// </summary>
    /// <remarks>
    /// For a plugin <c>message</c> the first reply is usually the <c>ack</c>, but a plugin <c>event</c> with the same
    /// transaction can overtake it on a busy machine; the other one then arrives on <see cref="Events"/>.
    /// </remarks>
    public async Task<JanusMessage> RequestAsync(JanusRequest request, CancellationToken cancellationToken = default)
    {
        var reply = new TaskCompletionSource<JanusMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(request.Transaction, reply))
            throw new InvalidOperationException($"Transaction {request.Transaction} is already pending");
        try
        {
            if (Volatile.Read(ref _closed) is { } closed)
                throw closed;
            await SendAsync(_apiSecret is null ? request : request with { ApiSecret = _apiSecret }, cancellationToken);
            var message = await reply.Task.WaitAsync(cancellationToken);
            if (message is { Janus: JanusMessageKinds.Error, Error: { } error })
                throw new JanusRequestException(request.Janus, error.Code, error.Reason ?? "");
            return message;
        }
        finally
        {
            _pending.TryRemove(request.Transaction, out _);
        }
    }

    /// <summary>Creates a Janus session and returns its id.</summary>
    public async Task<long> CreateSessionAsync(CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(JanusRequests.Create(NewTransaction()), cancellationToken);
        return reply.Data?.Id ?? throw Unexpected("create", reply);
    }

    /// <summary>
    /// Claims a session for this socket: Janus delivers its events here from now on. Succeeds only on
    /// <c>success</c> with the top-level <c>session_id</c>; 458 means the session is gone for good.
    /// </summary>
    public async Task ClaimAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(JanusRequests.Claim(NewTransaction(), sessionId), cancellationToken);
        if (reply is not { Janus: JanusMessageKinds.Success } || reply.SessionId != sessionId)
            throw Unexpected("claim", reply);
    }

    /// <summary>Resets the session's timeout; Janus answers <c>ack</c>.</summary>
    public async Task KeepAliveAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(JanusRequests.KeepAlive(NewTransaction(), sessionId), cancellationToken);
        if (reply.Janus != JanusMessageKinds.Ack)
            throw Unexpected("keepalive", reply);
    }

    /// <summary>Attaches a plugin (e.g. <c>janus.plugin.echotest</c>) and returns the handle id.</summary>
    public async Task<long> AttachAsync(long sessionId, string plugin, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(JanusRequests.Attach(NewTransaction(), sessionId, plugin), cancellationToken);
        return reply.Data?.Id ?? throw Unexpected("attach", reply);
    }

    /// <summary>
    /// Claims many sessions with up to <paramref name="inFlight"/> claims pipelined on this one socket and returns
    /// when all succeeded. Stops sending at the first failure and throws it.
    /// </summary>
    public async Task ClaimManyAsync(IReadOnlyList<long> sessionIds, int inFlight = 128, CancellationToken cancellationToken = default)
    {
        var window = new SemaphoreSlim(inFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var claims = new List<Task>(sessionIds.Count);
        foreach (var sessionId in sessionIds)
        {
            try
            {
                await window.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            claims.Add(ClaimInWindowAsync(sessionId));
        }
        await Task.WhenAll(claims);
        cancellationToken.ThrowIfCancellationRequested();

        async Task ClaimInWindowAsync(long sessionId)
        {
            try
            {
                await ClaimAsync(sessionId, stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>Drops the connection without a close handshake; pending requests fail.</summary>
    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task SendAsync(JanusRequest request, CancellationToken cancellationToken)
    {
        var frame = request.ToUtf8Json();
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // Not cancellable once started: a cancelled ClientWebSocket send aborts the whole socket.
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads messages (reassembling multi-frame ones) until the socket closes, then fails what is pending.</summary>
    private async Task ReceiveAsync()
    {
        var message = new ArrayBufferWriter<byte>(ReceiveChunkBytes);
        Exception closed;
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult frame;
                do
                {
                    frame = await _socket.ReceiveAsync(message.GetMemory(ReceiveChunkBytes), CancellationToken.None);
                    if (frame.MessageType == WebSocketMessageType.Close)
                        throw new IOException($"Janus closed the WebSocket ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
                    message.Advance(frame.Count);
                } while (!frame.EndOfMessage);
                Dispatch(JanusMessage.Parse(message.WrittenSpan));
            }
        }
        catch (Exception e)
        {
            closed = e as IOException ?? new IOException("The Janus WebSocket is closed", e);
        }
        Volatile.Write(ref _closed, closed);
        foreach (var pending in _pending.Values)
            pending.TrySetException(closed);
        _events.Writer.TryComplete(closed);
    }

    private void Dispatch(JanusMessage message)
    {
        if (message.Transaction is { } transaction && _pending.TryRemove(transaction, out var pending))
            pending.TrySetResult(message);
        else
            _events.Writer.TryWrite(message);
    }

    private static InvalidOperationException Unexpected(string request, JanusMessage reply) =>
        new($"Janus answered {request} with an unexpected '{reply.Janus}' (session_id {reply.SessionId?.ToString() ?? "none"})");
}
