using Microsoft.Data.Sqlite;

namespace Janus.Actors.Persistence;

/// <summary>
/// The lease on a SQLite journal: <c>{database}.lease</c> opened with <see cref="FileShare.None"/>, which .NET takes as an
/// exclusive <c>flock</c> on Linux and macOS (a sharing lock on Windows). The kernel drops it when the process dies.
/// A file locked that way cannot be read by anyone else, so the holder's description goes to <c>{database}.lease-holder</c>.
/// A SQLite journal has one process at a time: clusters need PostgreSQL, so only the exclusive mode exists here.
/// </summary>
internal sealed class SqliteJournalLease : JanusJournalLease
{
    private readonly FileStream _lock;

    private SqliteJournalLease(FileStream lockFile) => _lock = lockFile;

    public override Task Lost { get; } = new TaskCompletionSource().Task; // a lock held by this process cannot be taken from it

    public static SqliteJournalLease Take(JanusJournalOptions journal, JanusJournalLeaseMode mode)
    {
        if (mode != JanusJournalLeaseMode.Exclusive)
            throw new ArgumentException("a SQLite journal is never shared: clusters need PostgreSQL", nameof(mode));
        var database = Path.GetFullPath(new SqliteConnectionStringBuilder(journal.ConnectionString).DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var (lockPath, holderPath) = (database + ".lease", database + ".lease-holder");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            var holder = File.Exists(holderPath) ? File.ReadAllText(holderPath).Trim() : "";
            throw new JanusJournalHeldException($"SQLite journal {database}", holder.Length > 0 ? holder : "another process");
        }
        File.WriteAllText(holderPath, DescribeThisProcess(mode) + Environment.NewLine);
        return new SqliteJournalLease(lockFile);
    }

    public override ValueTask DisposeAsync() => _lock.DisposeAsync();
}
