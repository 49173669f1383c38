namespace Janus.Actors.Tests.Integration;

/// <summary>
/// What the in-process reclaim specs share: a real Janus whose WebSocket transport is reached through a loopback
/// <see cref="TcpProxy"/> (so the network can break while Janus keeps its sessions), its admin client, and a fresh
/// SQLite journal for the embedding process.
/// </summary>
public sealed class ProxiedJanus(JanusServerOptions options) : IAsyncDisposable
{
    private readonly TestJournal _journal = new();

    public JanusServer Server { get; } = new(options);

    public TcpProxy Proxy { get; private set; } = null!;

    public JanusAdminClient Admin { get; private set; } = null!;

    public async Task StartAsync()
    {
        await Server.StartAsync();
        Proxy = new TcpProxy(Server.Ports.WebSocket);
        Admin = Server.CreateAdminClient();
    }

    /// <summary>WebSocket through the proxy, REST straight to Janus, and a short backoff so retries show within a spec.</summary>
    public JanusOptions Options => new()
    {
        WebSocketUrl = new Uri($"ws://127.0.0.1:{Proxy.Port}/"),
        RestUrl = Server.RestUrl,
        MinReclaimBackoff = TimeSpan.FromMilliseconds(200),
        MaxReclaimBackoff = TimeSpan.FromSeconds(1),
    };

    /// <summary>A backend embedding the library on the shared journal; start another to play "the process came back".</summary>
    public Task<InProcessSessions> StartAppAsync(JanusOptions? janus = null, Microsoft.Extensions.Logging.ILoggerProvider? logs = null) =>
        InProcessSessions.StartAsync(janus ?? Options, _journal.File, logs);

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        if (Proxy is not null) await Proxy.DisposeAsync();
        await Server.DisposeAsync();
        _journal.Dispose();
    }
}
