using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Janus.Actors.Transports;

namespace Janus.Actors.Servers;

/// <summary>
/// The Admin API over Janus's admin WebSocket (<c>admin_ws</c> in <c>janus.transport.websockets.jcfg</c>, subprotocol
/// <c>janus-admin-protocol</c>): one socket, requests pipelined, each answer matched to its request by transaction — far
/// cheaper than an HTTP request each when ten thousand handles are read after a restart. Connected on first use and again
/// after the socket ends; requests waiting when it ends fail.
/// </summary>
internal sealed class JanusAdminWebSocket(Uri url) : IDisposable
{
    public const string SubProtocol = "janus-admin-protocol";

    // handle_info carries SDPs and WebRTC stats: more than a Janus API reply, never near this.
    private const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _waiting = new();
    private ClientWebSocket? _socket;

    /// <summary>Sends one request (already carrying <paramref name="transaction"/>) and returns Janus's answer to it.</summary>
    public async Task<JsonElement> SendAsync(string transaction, byte[] request, CancellationToken cancellationToken)
    {
        var socket = await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[transaction] = answer;
        try
        {
            await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sending.Release();
            }
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _waiting.TryRemove(transaction, out _);
        }
    }

    private async Task<ClientWebSocket> ConnectedAsync(CancellationToken cancellationToken)
    {
        if (_socket is { State: WebSocketState.Open } open) return open;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket is { State: WebSocketState.Open } opened) return opened;
            _socket?.Dispose();
            var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol(SubProtocol);
            await socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
            _socket = socket;
            _ = ReadAsync(socket);
            return socket;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Hands each answer to its request until the socket ends; then every request still waiting fails.</summary>
    private async Task ReadAsync(ClientWebSocket socket)
    {
        string why;
        try
        {
            await WebSocketMessageReader.ReadUntilClosedAsync(socket, MaxMessageBytes, Deliver, _ => { }, CancellationToken.None).ConfigureAwait(false);
            why = $"Janus closed the admin WebSocket ({socket.CloseStatus?.ToString() ?? "no status"})";
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            why = $"the admin WebSocket broke: {e.Message}";
        }
        foreach (var waiting in _waiting.Values) waiting.TrySetException(new HttpRequestException(why));
    }

    private void Deliver(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var answer = JsonDocument.Parse(utf8);
            if (answer.RootElement.TryGetProperty("transaction", out var transaction) && transaction.ValueKind == JsonValueKind.String &&
                _waiting.TryGetValue(transaction.GetString()!, out var waiting))
                waiting.TrySetResult(answer.RootElement.Clone());
        }
        catch (JsonException)
        {
            // not an answer to anything: the request it was meant for times out
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _connecting.Dispose();
        _sending.Dispose();
    }
}
