namespace Janus.Actors.Chaos;

/// <summary>
/// One Janus of the soak: the real server, the TCP proxies in front of its WebSocket and REST transports (the link the
/// faults cut, blackhole and delay; the wire witness reads what the hosts send through them) and its Admin API, reached
/// directly — the witness's line never breaks. Remembers
/// when it was restarted: a restart is Janus's own word that every session it held is gone.
/// </summary>
public sealed class ChaosServer : IAsyncDisposable
{
    private readonly List<DateTime> _starts = [];
    private readonly JanusAdminClient _admin;

    public ChaosServer(string name, JanusServerOptions options, WireWitness wire)
    {
        Name = name;
        Janus = new JanusServer(options);
        WebSocketLink = new TcpProxy(Janus.Ports.WebSocket, (client, proxy) => wire.Watch(name, client, proxy));
        RestLink = new TcpProxy(Janus.Ports.Http, (client, proxy) => wire.Watch(name, client, proxy));
        _admin = Janus.CreateAdminClient();
    }

    public string Name { get; }

    public JanusServer Janus { get; }

    public TcpProxy WebSocketLink { get; }

    public TcpProxy RestLink { get; }

    /// <summary>What the host is given: the transports through the proxies, the Admin API (over WebSocket) directly.</summary>
    public JanusServerPorts PortsForHost => new(WebSocketLink.Port, RestLink.Port, Janus.Ports.Admin, Janus.Ports.AdminWebSocket);

    /// <summary>Every time this Janus was started, the first included.</summary>
    public IReadOnlyList<DateTime> Starts => _starts;

    public async Task StartAsync()
    {
        await Janus.StartAsync();
        _starts.Add(DateTime.UtcNow);
    }

    /// <summary>Whether this Janus was (re)started after <paramref name="moment"/>: every session it held then is gone.</summary>
    public bool RestartedSince(DateTime moment) => _starts.Skip(1).Any(start => start > moment);

    /// <summary>The sessions Janus holds, from its Admin API.</summary>
    public async Task<HashSet<long>> ListSessionsAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return [.. await _admin.ListSessionsAsync(patience.Token)];
    }

    /// <summary>Cuts both links: every open connection to this Janus dies, new ones get through.</summary>
    public void Cut()
    {
        WebSocketLink.Cut();
        RestLink.Cut();
    }

    public void Blackhole()
    {
        WebSocketLink.Blackhole();
        RestLink.Blackhole();
    }

    public void Delay(TimeSpan latency)
    {
        WebSocketLink.Delay(latency);
        RestLink.Delay(latency);
    }

    public void Heal()
    {
        WebSocketLink.Heal();
        RestLink.Heal();
    }

    /// <summary>Janus's open file descriptors (its sockets among them), or null while it is not running.</summary>
    public int? OpenFiles => Janus.ProcessId is { } pid ? ProcessReadings.OpenFiles(pid) : null;

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await WebSocketLink.DisposeAsync();
        await RestLink.DisposeAsync();
        await Janus.DisposeAsync();
    }
}
