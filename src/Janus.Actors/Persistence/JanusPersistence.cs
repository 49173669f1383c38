using Akka.Configuration;
using Akka.Persistence.Sql;
using Npgsql;

namespace Janus.Actors.Persistence;

/// <summary>
/// Akka configuration for the session journal (Akka.Persistence.Sql on SQLite or PostgreSQL) and a connectivity
/// check for health endpoints. The HOCON is the <c>hocon/*.conf</c> files embedded in this assembly.
/// </summary>
public static class JanusPersistence
{
    /// <summary>
    /// Plugin id of the Akka.Persistence.Query read journal over the session journal, e.g.
    /// <c>PersistenceQuery.Get(system).ReadJournalFor&lt;ICurrentPersistenceIdsQuery&gt;(ReadJournalPluginId)</c>.
    /// </summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    private const string ResourcePrefix = "Janus.Actors.hocon.";

    /// <summary>
    /// <c>janus-actors.conf</c> alone: the event serializer binding and Akka.Persistence tuning, without a journal.
    /// For actor systems on another journal (e.g. tests on the in-memory journal).
    /// </summary>
    public static Config DefaultConfig { get; } = Embedded("janus-actors.conf");

    private const string EndedSessionRetentionKey = "janus-actors.ended-session-retention";

    private const string JournalNameKey = "janus-actors.journal-name";

    /// <summary>
    /// How the journal an actor system was configured with (<see cref="ToConfig"/>) is named to people — e.g. <c>SQLite journal
    /// /data/janus-actors.db</c>, never with a password — or "the journal" when it was configured elsewhere.
    /// </summary>
    internal static string JournalName(Config config) => config.GetString(JournalNameKey, "the journal");

    /// <summary>The <see cref="JanusJournalOptions.EndedSessionRetention"/> an actor system was configured with (<see cref="ToConfig"/>).</summary>
    internal static TimeSpan EndedSessionRetention(Config config) =>
        config.GetTimeSpan(EndedSessionRetentionKey, JanusJournalOptions.DefaultEndedSessionRetention, allowInfinite: false);

    /// <summary>
    /// The complete Akka configuration for a session journal: journal, snapshot store and read journal on the
    /// chosen database, the event serializer, and the Akka.Persistence.Sql defaults as fallback.
    /// For SQLite this also creates the file's directory and switches the file to WAL mode; when the journal's tables
    /// exist already the plugin is told not to create them (one query, see <c>JournalTables</c>).
    /// </summary>
    /// <exception cref="ArgumentException">the connection string cannot be parsed, or names an in-memory or shared-cache SQLite database.</exception>
    public static Config ToConfig(JanusJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (file, connectionString) = options.Provider switch
        {
            JanusJournalProvider.Sqlite => ("persistence-sqlite.conf", SqliteJournalFile.Prepare(options.ConnectionString)),
            JanusJournalProvider.PostgreSql => ("persistence-postgresql.conf", ValidPostgreSql(options.ConnectionString)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown journal provider"),
        };

        var quoted = HoconString.Quote(connectionString);
        var connection = ConfigurationFactory.ParseString(
            $"""
             akka.persistence.journal.sql.connection-string = {quoted}
             akka.persistence.snapshot-store.sql.connection-string = {quoted}
             akka.persistence.query.journal.sql.connection-string = {quoted}
             {EndedSessionRetentionKey} = {(long)options.EndedSessionRetention.TotalMilliseconds}ms
             {JournalNameKey} = {HoconString.Quote(JournalDatabase.For(options with { ConnectionString = connectionString }).Description)}
             """);

        var config = connection
            .WithFallback(Embedded(file))
            .WithFallback(DefaultConfig)
            .WithFallback(SqlPersistence.DefaultConfiguration);
        return JournalTables.SkipCreationWhenPresent(config);
    }

    /// <summary>
    /// Opens a connection to the journal's database and runs <c>SELECT 1</c>. For health checks: it does not
    /// need an actor system, and it never creates a missing SQLite file.
    /// </summary>
    /// <exception cref="JanusJournalUnavailableException">the database cannot be reached or refused the query; the message has no password.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task CheckAsync(JanusJournalOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = JournalDatabase.For(options);
        try
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new JanusJournalUnavailableException(options.Provider, database.Description, database.Redact(Reasons(e)));
        }
    }

    // Fails at start-up, not at the first journal write, when the string cannot be parsed.
    private static string ValidPostgreSql(string connectionString)
    {
        _ = new NpgsqlConnectionStringBuilder(connectionString);
        return connectionString;
    }

    private static string Reasons(Exception e)
    {
        var reasons = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
            reasons.Add(current.Message);
        return string.Join(" → ", reasons.Distinct());
    }

    internal static Config Embedded(string file)
    {
        using var stream = typeof(JanusPersistence).Assembly.GetManifestResourceStream(ResourcePrefix + file)
                           ?? throw new InvalidOperationException($"Embedded HOCON {ResourcePrefix}{file} is missing from Janus.Actors.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
