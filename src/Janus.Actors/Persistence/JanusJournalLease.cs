using System.Globalization;

namespace Janus.Actors.Persistence;

/// <summary>How a process holds its journal: alone (a single-node host), or beside the other nodes of its cluster.</summary>
public enum JanusJournalLeaseMode
{
    /// <summary>A single-node host: no other process may read or write the journal's sessions.</summary>
    Exclusive,
    /// <summary>A cluster node: other nodes of the cluster share the journal (sharding keeps one incarnation per session).</summary>
    Shared,
}

/// <summary>
/// The right to recover and write a journal's sessions, taken before anything is read and held for the life of the
/// process. Two processes recovering the same sessions would claim them from each other in Janus, write conflicting
/// sequence numbers and orphan handles; the lease makes the second one refuse to start, or wait as a hot standby.
/// <list type="bullet">
/// <item>SQLite: an exclusive lock (<c>flock</c>) on <c>{database}.lease</c> beside the database file; who holds it is
/// written to <c>{database}.lease-holder</c>.</item>
/// <item>PostgreSQL: an advisory lock (exclusive, or shared for cluster nodes) on a dedicated connection whose
/// <c>application_name</c> names the holder.</item>
/// </list>
/// The operating system or the database releases it when the process dies, SIGKILL included: a restarted host never waits
/// for its own stale lease. Dispose it to release it earlier.
/// </summary>
internal abstract class JanusJournalLease : IAsyncDisposable
{
    /// <summary>Takes the lease now, or throws <see cref="JanusJournalHeldException"/> naming whoever holds it.</summary>
    /// <exception cref="JanusJournalHeldException">another process holds the lease (in a mode that excludes <paramref name="mode"/>).</exception>
    /// <exception cref="JanusJournalUnavailableException">the database cannot be reached to take the lease.</exception>
    public static Task<JanusJournalLease> AcquireAsync(JanusJournalOptions journal, JanusJournalLeaseMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        return journal.Provider switch
        {
            JanusJournalProvider.Sqlite => Task.FromResult<JanusJournalLease>(SqliteJournalLease.Take(journal, mode)),
            JanusJournalProvider.PostgreSql => PostgreSqlJournalLease.TakeAsync(journal, mode, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(journal), journal.Provider, "unknown journal provider"),
        };
    }

    /// <summary>Completes when the lease is lost while the process still runs (a PostgreSQL lease whose connection broke and
    /// that another process took meanwhile): from then on this process must not write the journal.</summary>
    public abstract Task Lost { get; }

    /// <summary>What this process writes about itself where a second process can read it.</summary>
    internal static string DescribeThisProcess(JanusJournalLeaseMode mode) => string.Create(CultureInfo.InvariantCulture,
        $"{(mode == JanusJournalLeaseMode.Shared ? "cluster node" : "host")} {Environment.MachineName} pid {Environment.ProcessId} since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// Another process holds the journal's lease: this one must not recover or write its sessions. <see cref="Holder"/> says
/// who (host name, pid, since when), as far as the holder wrote it.
/// </summary>
public sealed class JanusJournalHeldException(string journal, string holder)
    : JanusException($"the {journal} is held by {holder}")
{
    /// <summary>The journal, without secrets (e.g. <c>SQLite journal /var/lib/janus/journal.db</c>).</summary>
    public string Journal { get; } = journal;

    /// <summary>Who holds it, e.g. <c>host node-a pid 4711 since 2026-11-29T12:01:07Z</c>.</summary>
    public string Holder { get; } = holder;
}
