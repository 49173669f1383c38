using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Persistence;

/// <summary>The database behind a <see cref="JanusJournalOptions"/>: how to connect, and how to name it without secrets.</summary>
internal sealed class JournalDatabase
{
    private readonly Func<DbConnection> _connect;
    private readonly string? _password;

    private JournalDatabase(string description, string? password, Func<DbConnection> connect)
    {
        Description = description;
        _password = password;
        _connect = connect;
    }

    /// <summary>E.g. <c>PostgreSQL journal 10.0.0.5:5432/janus</c>; safe to log.</summary>
    public string Description { get; }

    public static JournalDatabase For(JanusJournalOptions options) => options.Provider switch
    {
        JanusJournalProvider.Sqlite => Sqlite(options.ConnectionString),
        JanusJournalProvider.PostgreSql => PostgreSql(options.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown journal provider"),
    };

    public DbConnection CreateConnection() => _connect();

    /// <summary>Removes the password from a driver message, should a driver ever echo it.</summary>
    public string Redact(string text) =>
        string.IsNullOrEmpty(_password) ? text : text.Replace(_password, "***", StringComparison.Ordinal);

    private static JournalDatabase Sqlite(string connectionString)
    {
        // A health check must not create an empty journal where the real one is missing, nor reuse a pooled
        // connection: that one keeps working on a file that was deleted or unmounted since it was opened.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        return new JournalDatabase($"SQLite journal {builder.DataSource}", builder.Password, () => new SqliteConnection(builder.ConnectionString));
    }

    private static JournalDatabase PostgreSql(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new JournalDatabase(
            $"PostgreSQL journal {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}",
            builder.Password,
            () => new NpgsqlConnection(connectionString));
    }
}
