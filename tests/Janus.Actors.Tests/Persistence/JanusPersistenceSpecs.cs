using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Tests.Persistence;

/// <summary>The configuration <see cref="JanusPersistence"/> builds and its health check, without an actor system.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusPersistenceSpecs : IDisposable
{
    private const string Password = "s3cr\"et\\${x}#;'pw";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("janus-journal-");

    [Fact]
    public void The_sqlite_journal_file_is_created_in_wal_mode_with_its_directory()
    {
        var file = Path.Combine(_directory.FullName, "var", "lib", "janus", "journal.db");

        JanusPersistence.ToConfig(Sqlite(file));

        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void A_relative_sqlite_path_is_pinned_to_an_absolute_one()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_directory.FullName, "journal.db"));

        var config = JanusPersistence.ToConfig(Sqlite(relative));

        var dataSource = new SqliteConnectionStringBuilder(config.GetString("akka.persistence.journal.sql.connection-string")).DataSource;
        Assert.Equal(Path.Combine(_directory.FullName, "journal.db"), dataSource);
    }

    [Theory]
    [InlineData("Data Source=:memory:", "must be a file")]
    [InlineData("Data Source=journal;Mode=Memory", "must be a file")]
    [InlineData("Data Source=journal.db;Cache=Shared", "Cache=Shared")]
    public void An_sqlite_journal_that_could_lose_or_dirty_read_sessions_is_refused(string connectionString, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => JanusPersistence.ToConfig(new JanusJournalOptions(JanusJournalProvider.Sqlite, connectionString)));

        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData(JanusJournalProvider.Sqlite, "SQLite.MS")]
    [InlineData(JanusJournalProvider.PostgreSql, "PostgreSQL.15")]
    public void Journal_snapshots_and_queries_use_the_sql_plugin_on_the_chosen_database(JanusJournalProvider provider, string linq2DbProvider)
    {
        var config = JanusPersistence.ToConfig(provider == JanusJournalProvider.Sqlite ? Sqlite(Path.Combine(_directory.FullName, "journal.db")) : PostgreSql(5432));

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString($"{JanusPersistence.ReadJournalPluginId}.write-plugin"));
        foreach (var plugin in (string[])["akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", JanusPersistence.ReadJournalPluginId])
        {
            Assert.Equal(linq2DbProvider, config.GetString($"{plugin}.provider-name"));
            Assert.Equal("default", config.GetString($"{plugin}.table-mapping"));
        }
        Assert.Equal("Janus.Actors.Persistence.JanusEventSerializer, Janus.Actors", config.GetString("akka.actor.serializers.janus-session-events"));
        // The session journal reads every session at start-up in one query, and replays without a filter (one writer: the lease).
        Assert.Equal(typeof(JanusSessionJournal), Type.GetType(config.GetString("akka.persistence.journal.sql.class")));
        Assert.Equal("off", config.GetString("akka.persistence.journal.sql.replay-filter.mode"));
    }

    [Fact]
    public void A_connection_string_full_of_hocon_syntax_reaches_every_plugin_unchanged()
    {
        var options = new JanusJournalOptions(JanusJournalProvider.PostgreSql, $"Host=db.example;Database=janus;Username=janus;Password='{Password.Replace("'", "''")}';Application Name=\"tab\there\"");

        var config = JanusPersistence.ToConfig(options);

        foreach (var plugin in (string[])["akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", JanusPersistence.ReadJournalPluginId])
            Assert.Equal(options.ConnectionString, config.GetString($"{plugin}.connection-string"));
        Assert.Equal(Password, new NpgsqlConnectionStringBuilder(options.ConnectionString).Password);
    }

    [Fact]
    public async Task CheckAsync_names_an_unreachable_postgresql_without_its_password()
    {
        var port = LoopbackPorts.Free();

        var error = await Assert.ThrowsAsync<JanusJournalUnavailableException>(() => JanusPersistence.CheckAsync(PostgreSql(port), CancellationToken.None));

        Assert.Equal(JanusJournalProvider.PostgreSql, error.Provider);
        Assert.Contains($"PostgreSQL journal 127.0.0.1:{port}/janus", error.Message);
        Assert.DoesNotContain("s3cr", error.ToString());
    }

    [Fact]
    public async Task CheckAsync_fails_for_a_missing_sqlite_file_and_does_not_create_it()
    {
        var file = Path.Combine(_directory.FullName, "missing.db");

        var error = await Assert.ThrowsAsync<JanusJournalUnavailableException>(() => JanusPersistence.CheckAsync(Sqlite(file), CancellationToken.None));

        Assert.Contains($"SQLite journal {file}", error.Message);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task CheckAsync_succeeds_for_a_prepared_sqlite_file()
    {
        var options = Sqlite(Path.Combine(_directory.FullName, "journal.db"));
        JanusPersistence.ToConfig(options);

        await JanusPersistence.CheckAsync(options, CancellationToken.None);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static JanusJournalOptions Sqlite(string file) => new(JanusJournalProvider.Sqlite, $"Data Source={file}");

    private static JanusJournalOptions PostgreSql(int port) => new(
        JanusJournalProvider.PostgreSql,
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Database = "janus", Username = "janus", Password = Password, Timeout = 5 }.ConnectionString);

}
