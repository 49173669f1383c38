namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A private Janus (crash-test timeouts) and a SQLite journal of a spec's own, and the backend that embeds the library
/// on them: start it again on the same journal to play "the process came back".
/// </summary>
public sealed class JanusWithJournal : IAsyncLifetime
{
    private readonly TestJournal _journal = new();

    public JanusServer Server { get; } = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => Server.StartAsync();

    /// <param name="adminApi">Give the library Janus's Admin API too (as <c>Janus:Servers</c> entry <c>default</c>), as
    /// resyncing handles after a reclaim needs.</param>
    /// <param name="adminUrl">Which of its Admin APIs: over HTTP (the default) or <see cref="JanusServerPorts.AdminWebSocketUrl"/>.</param>
    public Task<InProcessSessions> StartAppAsync(bool adminApi = false, Uri? adminUrl = null) =>
        InProcessSessions.StartAsync(adminApi
            ? new JanusOptions
            {
                Servers =
                [
                    new JanusServerSettings
                    {
                        WebSocketUrl = Server.WebSocketUrl, RestUrl = Server.RestUrl, AdminUrl = adminUrl ?? Server.AdminUrl, AdminSecret = Server.Options.AdminSecret,
                    },
                ],
            }
            : new JanusOptions { WebSocketUrl = Server.WebSocketUrl, RestUrl = Server.RestUrl }, _journal.File);

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _journal.Dispose();
    }
}
