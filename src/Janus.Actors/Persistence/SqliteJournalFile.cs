using Microsoft.Data.Sqlite;

namespace Janus.Actors.Persistence;

/// <summary>Readies the SQLite file that holds the journal before Akka.Persistence opens it.</summary>
internal static class SqliteJournalFile
{
    private const long FullAutoVacuum = 1;

    /// <summary>
    /// Resolves the file to an absolute path (the journal must not move with the working directory), creates its
    /// directory and switches it to WAL, so readers (recoveries, queries) never block the writer. WAL is stored in
    /// the file: every later connection uses it. Returns the connection string Akka should use. A file SQLite cannot
    /// read (not a database, damaged pages) throws <see cref="InvalidDataException"/> naming it and what to do.
    /// <para>It also turns on full auto-vacuum, so the pages of forgotten sessions go back to the file system at each
    /// delete's commit (a few pages each) instead of the file growing with every call ever made. A file from an earlier
    /// release is rewritten once for it (<c>VACUUM</c>: about a second for 100 MiB, before any session starts).</para>
    /// </summary>
    /// <remarks>
    /// Concurrent writers wait instead of failing with SQLITE_BUSY: Microsoft.Data.Sqlite retries a busy or locked
    /// statement every 150 ms until the connection's <c>Default Timeout</c> (30 s unless the connection string
    /// says otherwise). The configuration keeps that rare: one journal writer, and reads that take no lock.
    /// </remarks>
    public static string Prepare(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
            throw new ArgumentException("The SQLite journal must be a file (Data Source=<path>): an in-memory journal loses every session on a crash.", nameof(connectionString));
        // persistence-sqlite.conf reads at read-uncommitted to get deferred transactions; only a shared cache
        // would turn that into dirty reads.
        if (builder.Cache == SqliteCacheMode.Shared)
            throw new ArgumentException("The SQLite journal cannot use Cache=Shared: WAL gives concurrent readers without it.", nameof(connectionString));

        builder.DataSource = Path.GetFullPath(builder.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);

        try
        {
            Ready(builder.ConnectionString, builder.DataSource);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteNotADatabase or SqliteCorrupt)
        {
            throw Damaged(builder.DataSource, e.Message);
        }
        return builder.ConnectionString;
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>A journal file SQLite cannot read: never replaced by an empty journal, which would drop every session silently.</summary>
    private static InvalidDataException Damaged(string path, string problem) => new(
        $"SQLite journal {path} is damaged ({problem.ReplaceLineEndings(" ")}): restore it from a backup, or move it aside to start on an empty " +
        "journal — the sessions it holds are then not reclaimed (Janus keeps them until its session_timeout).");

    private static void Ready(string connectionString, string path)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // quick_check reads every page once (0.34 s for a 185 MB file here, warm cache; a journal holds live sessions only):
        // a damaged journal stops the start, not a recovery half-way.
        command.CommandText = "PRAGMA quick_check(1)";
        if (command.ExecuteScalar() is string check && check != "ok")
            throw Damaged(path, check);
        command.CommandText = "PRAGMA auto_vacuum";
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != FullAutoVacuum)
        {
            command.CommandText = "PRAGMA auto_vacuum = FULL; VACUUM";
            command.ExecuteNonQuery();
        }
        command.CommandText = "PRAGMA journal_mode=WAL";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"SQLite journal {path} could not be switched to WAL mode (it is in '{mode}' mode).");
    }
}
