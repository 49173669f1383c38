namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A journal outage delays sessions and loses none: a real PostgreSQL journal is stopped under a live session; the
/// request that needed it fails at once with a clear error, and once the database is back the session is reclaimed
/// with the same Janus session, by the same process and by the next one.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JournalOutageSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly JanusServer _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 120, ReclaimSessionTimeoutSeconds = 100 });
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync()
    {
        await _janus.StartAsync();
        _postgres = await PostgresServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _postgres.DisposeAsync();
        await _janus.DisposeAsync();
    }

    [Fact]
    public async Task A_journal_outage_fails_the_request_at_once_and_loses_no_session()
    {
        var journal = new JanusJournalOptions(JanusJournalProvider.PostgreSql, await _postgres.CreateDatabaseAsync());
        var options = new JanusOptions { WebSocketUrl = _janus.WebSocketUrl };
        long? janusId;
        await using (var app = await InProcessSessions.StartAsync(options, journal))
        {
            janusId = (await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId;

            await _postgres.PauseAsync();
            var failure = await Assert.ThrowsAsync<JanusSessionUnavailableException>(() => app.Sessions.AttachAsync("call-1", "janus.plugin.echotest"));
            Assert.Contains("journal unavailable", failure.Message);
            await _postgres.ResumeAsync();
        }

        // The persisted session is intact: the next process reclaims it with the same Janus session.
        await using var next = await InProcessSessions.StartAsync(options, journal);
        var back = await Eventually.ReturnsAsync(() => next.Sessions.GetAsync("call-1"),
            s => s is { State: JanusSessionStatus.Active, Reclaims: >= 1 }, Patience, "the session back after the outage");
        Assert.Equal(janusId, back!.JanusSessionId);
        using var admin = _janus.CreateAdminClient();
        Assert.Contains(janusId!.Value, await admin.ListSessionsAsync());
        var handle = await next.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        Assert.Equal(handle, Assert.Single((await next.Sessions.GetAsync("call-1"))!.Handles).HandleId);
    }

    /// <summary>Options under which a session stopped by a journal failure is started again within about a second.</summary>
    internal static JanusOptions ComingBackQuickly(JanusServer janus) => new()
    {
        WebSocketUrl = janus.WebSocketUrl,
        MinReclaimBackoff = TimeSpan.FromMilliseconds(200),
        MaxReclaimBackoff = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task A_session_stopped_by_a_journal_failure_comes_back_by_itself_when_the_journal_does()
    {
        var journal = new JanusJournalOptions(JanusJournalProvider.PostgreSql, await _postgres.CreateDatabaseAsync());
        await using var app = await InProcessSessions.StartAsync(ComingBackQuickly(_janus), journal);
        var janusId = (await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId;

        await _postgres.PauseAsync();
        await Assert.ThrowsAsync<JanusSessionUnavailableException>(() => app.Sessions.AttachAsync("call-1", "janus.plugin.echotest"));
        // While its actor is down and restarting, the key is still taken.
        await Assert.ThrowsAsync<JanusSessionExistsException>(() => app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket));
        await _postgres.ResumeAsync();

        var back = await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("call-1"),
            s => s is { State: JanusSessionStatus.Active, Reclaims: >= 1 }, Patience, "the session back after the outage");
        Assert.Equal(janusId, back!.JanusSessionId);
    }
}
