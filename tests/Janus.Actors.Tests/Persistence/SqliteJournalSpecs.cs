using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Janus.Actors.Tests.Persistence;

/// <summary>The journal specs on a real SQLite file in a temp directory of each test's own.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class SqliteJournalSpecs : JournalSpecs, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("janus-journal-");

    protected override Task<JanusJournalOptions> CreateJournalAsync() =>
        Task.FromResult(new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={Path.Combine(_directory.FullName, "journal.db")}"));

    protected override DbConnection Connect(JanusJournalOptions options) => new SqliteConnection(options.ConnectionString);

    [Fact]
    public async Task Sessions_recover_while_a_writer_holds_the_sqlite_write_lock()
    {
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-call-1", CallEvents));

        var recovered = await WithActorSystemAsync(journal, async system =>
        {
            await RecoverAsync(system, "janus-session-warm-up"); // the plugins have created their tables
            await using var writer = new SqliteConnection(journal.ConnectionString);
            await writer.OpenAsync();
            using var writeLock = writer.BeginTransaction(deferred: false);
            return await RecoverAsync(system, "janus-session-call-1");
        });

        Assert.Equal(CallEvents, recovered.Events);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
