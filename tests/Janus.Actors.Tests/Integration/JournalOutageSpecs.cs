using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using Janus.Actors.Tests.Fixtures;
using Janus.Actors.Transports;
using Xunit;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A journal outage delays sessions and loses none: a real PostgreSQL journal is stopped under a live session and
/// started again; the session comes back by itself with the same Janus session.
/// </summary>
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
    public async Task A_session_whose_journal_write_fails_comes_back_when_the_journal_does()
    {
        // Without Npgsql pooling: with it, a recovery that catches PostgreSQL while it starts up hung the journal's
        // reads for good (seen: > 70 s, no error). Known issue, see the README's persistence section.
        var journal = new JanusJournalOptions(JanusJournalProvider.PostgreSql, await _postgres.CreateDatabaseAsync() + ";Pooling=false");
        var options = new JanusOptions
        {
            WebSocketUrl = _janus.WebSocketUrl,
            MinReclaimBackoff = TimeSpan.FromMilliseconds(200),
            MaxReclaimBackoff = TimeSpan.FromSeconds(1),
        };
        await using var app = await InProcessSessions.StartAsync(options, journal);
        var janusId = (await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId;

        await _postgres.PauseAsync();
        var failure = await Assert.ThrowsAsync<JanusSessionUnavailableException>(() => app.Sessions.AttachAsync("call-1", "janus.plugin.echotest"));
        Assert.Contains("journal", failure.Message);
        await _postgres.ResumeAsync();

        var back = await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("call-1"),
            s => s is { State: JanusSessionStatus.Active, Reclaims: >= 1 }, Patience, "the session back after the outage");
        Assert.Equal(janusId, back!.JanusSessionId);
        Assert.Contains(janusId!.Value, await _janus.CreateAdminClient().ListSessionsAsync());
        var handle = await app.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        Assert.Equal(handle, Assert.Single((await app.Sessions.GetAsync("call-1"))!.Handles).HandleId);
    }
}
