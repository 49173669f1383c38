using Akka.Configuration;
using Janus.Actors.Tests.Persistence;
using Microsoft.Data.Sqlite;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Tests.Integration;

/// <summary>
/// A journal an earlier release wrote — its ended sessions' events carry no time of the end, its SQLite file no
/// auto-vacuum — is compacted by the first start of this one: the ended sessions are forgotten at once, rows and all, the
/// file gives the space back, and no live session is lost.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class EarlierJournalSpecs : IAsyncLifetime
{
    private const int EndedSessions = 500;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestJournal _journal = new();
    private readonly JanusServer _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 30, ReclaimSessionTimeoutSeconds = 20 });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync()
    {
        await _janus.DisposeAsync();
        _journal.Dispose();
    }

    [Fact]
    public async Task Ended_sessions_of_an_earlier_release_are_forgotten_at_the_first_start_and_live_ones_come_back()
    {
        var options = new JanusOptions { WebSocketUrl = _janus.WebSocketUrl };
        long liveId;
        await using (var app = await InProcessSessions.StartAsync(options, _journal.File))
            liveId = (await app.Sessions.CreateAsync("live-1", JanusTransportKind.WebSocket)).JanusSessionId!.Value;
        await WriteAsEarlierReleaseAsync();
        var before = await ReadFileAsync();
        Assert.Equal(EndedSessions * 3 + 1, before.Rows);

        await using (var app = await InProcessSessions.StartAsync(options, _journal.File))
        {
            var live = await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("live-1"), s => s?.State == JanusSessionStatus.Active,
                Patience, "the live session active again");
            Assert.Equal(liveId, live!.JanusSessionId);
            await Eventually.ReturnsAsync(() => app.Sessions.ListAsync(), sessions => sessions.Count == 1, Patience,
                "the earlier release's ended sessions forgotten");
            Assert.Null(await app.Sessions.GetAsync("ended-7"));
        }

        var after = await ReadFileAsync();
        Assert.Equal(1, after.Rows);
        Assert.Equal(1, after.AutoVacuum); // full
        Assert.True(after.Pages < before.Pages, $"the file kept {after.Pages} pages of {before.Pages}");
        Assert.Equal(0, after.FreePages);
    }

    /// <summary>Ended sessions exactly as the previous release journaled them: a destroyed or lost event with no time.</summary>
    private async Task WriteAsEarlierReleaseAsync()
    {
        var journal = new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={_journal.File}");
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(JanusPersistence.ToConfig(journal));
        using var system = ActorSystem.Create("earlier-release", config);
        for (var i = 0; i < EndedSessions; i++)
        {
            IJanusSessionEvent end = i % 2 == 0 ? new SessionDestroyed() : new SessionLost(458, "No such session");
            await system.ActorOf(SessionEventRecorder.Props($"janus-session-ended-{i}"))
                .Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record(
                    [new SessionCreated(1_000 + i, JanusTransportKind.WebSocket, Adopted: false), new HandleAttached(2_000 + i, "janus.plugin.echotest", null), end]),
                    Patience);
        }
        await system.Terminate();
        // The previous release's file had no auto-vacuum: this release's first start turns it on.
        await using var connection = new SqliteConnection($"Data Source={_journal.File}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA auto_vacuum = NONE; VACUUM";
        await command.ExecuteNonQueryAsync();
    }

    private async Task<(long Rows, long AutoVacuum, long Pages, long FreePages)> ReadFileAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_journal.File}");
        await connection.ScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)"); // the pages the WAL holds belong to the file too
        return (await connection.ScalarAsync("SELECT COUNT(*) FROM journal"),
            await connection.ScalarAsync("PRAGMA auto_vacuum"),
            await connection.ScalarAsync("PRAGMA page_count"),
            await connection.ScalarAsync("PRAGMA freelist_count"));
    }
}
