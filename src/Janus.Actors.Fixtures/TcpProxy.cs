using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A loopback TCP proxy in front of Janus, so a test can break the network between the library and a Janus that
/// keeps running: <see cref="Cut"/> drops every open connection (the library sees its socket die),
/// <see cref="Pause"/> also refuses new ones (Janus is unreachable) until <see cref="Resume"/>, <see cref="Blackhole"/>
/// keeps every connection open but carries nothing either way (a partition TCP cannot see) and <see cref="Delay"/> adds
/// latency to every chunk relayed. A watch, when given, sees each connection's client bytes as they are read (before any
/// hold or delay): what a test needs to tell which process sent what.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly Func<IPEndPoint, IPEndPoint, Action<ReadOnlyMemory<byte>>>? _watch;
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _links = new();
    private TcpListener? _listener;
    private CancellationTokenSource _accepting = new();
    private volatile TaskCompletionSource _flowing = Flowing();
    private TimeSpan _delay;

    /// <param name="targetPort">Janus's port on loopback.</param>
    /// <param name="watch">Called as a connection is accepted, with its two ends (the client's, the proxy's); what it returns
    /// is given every chunk that client sends, in order.</param>
    public TcpProxy(int targetPort, Func<IPEndPoint, IPEndPoint, Action<ReadOnlyMemory<byte>>>? watch = null)
    {
        _targetPort = targetPort;
        _watch = watch;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(_listener, _accepting.Token);
    }

    /// <summary>The port to connect to instead of Janus's.</summary>
    public int Port { get; }

    /// <summary>Connections currently relayed.</summary>
    public int OpenConnections => _links.Count;

    /// <summary>Closes every relayed connection; new connections are still accepted.</summary>
    public void Cut()
    {
        foreach (var (client, upstream) in _links)
        {
            _links.TryRemove(client, out _);
            client.Client?.Close(0);
            upstream.Client?.Close(0);
        }
    }

    /// <summary>Closes one of the relayed connections; the others keep relaying.</summary>
    public void CutOne()
    {
        var (client, upstream) = _links.First();
        _links.TryRemove(client, out _);
        client.Client?.Close(0);
        upstream.Client?.Close(0);
    }

    /// <summary>Janus becomes unreachable: connections are refused and open ones are cut.</summary>
    public void Pause()
    {
        _accepting.Cancel();
        _listener?.Stop();
        _listener = null;
        Cut();
    }

    /// <summary>Janus is reachable again on the same port.</summary>
    public void Resume()
    {
        if (_listener is not null) return;
        _accepting = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptLoopAsync(_listener, _accepting.Token);
    }

    /// <summary>
    /// Connections stay open and new ones are accepted, but no byte crosses either way until <see cref="Heal"/>: what a
    /// dropped route looks like before TCP gives up. Held bytes are delivered, in order, when it heals.
    /// </summary>
    public void Blackhole()
    {
        lock (_links)
            if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Every relayed chunk waits <paramref name="latency"/> before it is passed on (zero: none).</summary>
    public void Delay(TimeSpan latency) => _delay = latency;

    /// <summary>Ends a <see cref="Blackhole"/> and a <see cref="Delay"/>: bytes flow again at once.</summary>
    public void Heal()
    {
        _delay = TimeSpan.Zero;
        lock (_links) _flowing.TrySetResult();
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            var watcher = _watch?.Invoke((IPEndPoint)client.Client.RemoteEndPoint!, (IPEndPoint)client.Client.LocalEndPoint!);
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort);
            _links[client] = upstream;
            var clientStream = client.GetStream();
            var upstreamStream = upstream.GetStream();
            await Task.WhenAny(PumpAsync(clientStream, upstreamStream, watcher), PumpAsync(upstreamStream, clientStream, null));
        }
        catch (Exception)
        {
            // A cut or a closed peer ends the relay; both sides are closed below.
        }
        finally
        {
            _links.TryRemove(client, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>Copies one direction chunk by chunk, holding each chunk while blackholed and for the delay.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action<ReadOnlyMemory<byte>>? watcher)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            watcher?.Invoke(buffer.AsMemory(0, read));
            await _flowing.Task;
            if (_delay is { Ticks: > 0 } delay) await Task.Delay(delay);
            await to.WriteAsync(buffer.AsMemory(0, read));
        }
    }

    public ValueTask DisposeAsync()
    {
        Heal();
        Pause();
        return ValueTask.CompletedTask;
    }
}
