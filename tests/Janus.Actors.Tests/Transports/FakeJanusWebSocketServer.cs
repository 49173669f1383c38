using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace Janus.Actors.Tests.Transports;

/// <summary>
/// A WebSocket server on a free loopback port that behaves like Janus at the handshake (it refuses clients that do
/// not offer <c>janus-protocol</c>) and lets a test script each connection frame by frame.
/// </summary>
internal sealed class FakeJanusWebSocketServer : IDisposable
{
    private const string SubProtocol = "janus-protocol";
    private const string HandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<FakeJanusWebSocketPeer> _peers = Channel.CreateUnbounded<FakeJanusWebSocketPeer>();
    private readonly List<FakeJanusWebSocketPeer> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FakeJanusWebSocketServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The next client that completed the handshake.</summary>
    public async Task<FakeJanusWebSocketPeer> NextPeerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _peers.Reader.ReadAsync(timeout.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _accepting.Wait(TimeSpan.FromSeconds(5));
        lock (_all)
            foreach (var peer in _all)
                peer.Drop();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = HandshakeAsync(client);
        }
    }

    private async Task HandshakeAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var headers = await ReadHeadersAsync(stream);
        var offered = headers.GetValueOrDefault("Sec-WebSocket-Protocol") ?? "";
        if (!offered.Split(',', StringSplitOptions.TrimEntries).Contains(SubProtocol))
        {
            // What Janus (libwebsockets) does without the subprotocol: no upgrade.
            await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            client.Dispose();
            return;
        }

        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(headers["Sec-WebSocket-Key"] + HandshakeGuid)));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {SubProtocol}\r\n\r\n"));
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = SubProtocol,
            KeepAliveInterval = TimeSpan.Zero,
        });
        var peer = new FakeJanusWebSocketPeer(client, socket, offered);
        lock (_all)
            _all.Add(peer);
        await _peers.Writer.WriteAsync(peer);
    }

    private static async Task<Dictionary<string, string>> ReadHeadersAsync(NetworkStream stream)
    {
        // Byte by byte: the client sends nothing after the request until it has the 101.
        var request = new List<byte>();
        var one = new byte[1];
        while (request.Count < 4 || !request[^4..].SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            if (await stream.ReadAsync(one) == 0)
                throw new IOException("client went away during the handshake");
            request.Add(one[0]);
        }

        return Encoding.ASCII.GetString(request.ToArray())
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => line.Split(':', 2))
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim(), StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>The server side of one client connection.</summary>
internal sealed class FakeJanusWebSocketPeer(TcpClient client, WebSocket socket, string offeredSubProtocols)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The client's <c>Sec-WebSocket-Protocol</c> header.</summary>
    public string OfferedSubProtocols { get; } = offeredSubProtocols;

    /// <summary>Sends one text message as one frame.</summary>
    public Task SendAsync(string json) => SendFramesAsync(WebSocketMessageType.Text, json);

    /// <summary>Sends one message split into the given parts, one frame each.</summary>
    public async Task SendFramesAsync(WebSocketMessageType type, params string[] parts)
    {
        using var timeout = new CancellationTokenSource(Patience);
        for (var i = 0; i < parts.Length; i++)
            await socket.SendAsync(Encoding.UTF8.GetBytes(parts[i]).AsMemory(), type, endOfMessage: i == parts.Length - 1, timeout.Token);
    }

    /// <summary>The next whole message from the client, as text.</summary>
    public async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var message = new MemoryStream();
        var buffer = new byte[1024];
        ValueWebSocketReceiveResult frame;
        do
        {
            frame = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            if (frame.MessageType == WebSocketMessageType.Close)
                throw new IOException("the client closed the socket");
            message.Write(buffer, 0, frame.Count);
        }
        while (!frame.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>Closes the socket properly, like a server shutting down.</summary>
    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "going away", timeout.Token);
    }

    /// <summary>Drops the TCP connection without a close frame, like a crashed server.</summary>
    public void Drop()
    {
        socket.Abort();
        client.Dispose();
    }
}
