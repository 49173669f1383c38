using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Npgsql;

namespace Janus.Actors.Persistence;

/// <summary>
/// Whether the plugin still has to create its tables. With <c>auto-initialize = on</c> Akka.Persistence.Sql creates them
/// through linq2db before its journal answers anything, at every start: ~0.4 s of a 10,000-session recovery (measured on
/// PostgreSQL, 2 cores), although the tables exist after the first start. One plain query, made while the configuration
/// is built (never on an actor's thread), tells; when every table is there the journal starts without that step, else
/// (first start, or the database unreachable right now) the plugin creates them as before.
/// </summary>
internal static class JournalTables
{
    private const string JournalPath = "akka.persistence.journal.sql";

    /// <summary>How long the check waits for the database; an unreachable one leaves the creation to the plugin.</summary>
    private const int ConnectTimeoutSeconds = 3;

    /// <summary><paramref name="config"/>, with the session journal's <c>auto-initialize = off</c> when every table it would create exists.</summary>
    public static Config SkipCreationWhenPresent(Config config)
    {
        var journal = new JournalConfig(config.GetConfig(JournalPath).WithFallback(SqlPersistence.DefaultJournalConfiguration));
        if (!journal.AutoInitialize || !AllPresent(journal))
            return config;
        return ConfigurationFactory.ParseString($"{JournalPath}.auto-initialize = off").WithFallback(config);
    }

    private static bool AllPresent(JournalConfig config)
    {
        string[] tables = config.PluginConfig.TagMode == TagMode.Csv
            ? [config.TableConfig.EventJournalTable.Name]
            : [config.TableConfig.EventJournalTable.Name, config.TableConfig.TagTable.Name];
        try
        {
            using var connection = JournalRowReader.Connections(config)();
            if (connection is NpgsqlConnection)
                connection.ConnectionString = new NpgsqlConnectionStringBuilder(config.ConnectionString) { Timeout = ConnectTimeoutSeconds }.ConnectionString;
            connection.Open();
            using var command = connection.CreateCommand();
            var names = string.Join(", ", tables.Select((_, i) => $"@t{i}"));
            command.CommandText = connection is Microsoft.Data.Sqlite.SqliteConnection
                ? $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
                : $"SELECT count(*) FROM information_schema.tables WHERE table_schema = {(config.TableConfig.SchemaName is null ? "current_schema()" : "@schema")} AND table_name IN ({names})";
            for (var i = 0; i < tables.Length; i++)
                JournalRowReader.AddParameter(command, $"@t{i}", tables[i]);
            if (config.TableConfig.SchemaName is { } schema) JournalRowReader.AddParameter(command, "@schema", schema);
            return Convert.ToInt64(command.ExecuteScalar()) == tables.Length;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException or ArgumentException)
        {
            return false; // the plugin's own start reports (and retries) what is wrong with the database
        }
    }
}
