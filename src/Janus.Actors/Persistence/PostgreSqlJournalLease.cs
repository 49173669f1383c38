using Npgsql;

namespace Janus.Actors.Persistence;

/// <summary>
/// The lease on a PostgreSQL journal: a session-level advisory lock (<c>pg_try_advisory_lock</c>, or
/// <c>pg_try_advisory_lock_shared</c> for cluster nodes) held on a connection of its own, outside the pool, whose
/// <c>application_name</c> describes the holder. PostgreSQL releases the lock the moment that connection ends, which the
/// death of the process ends. The connection is checked every few seconds; when it broke (a database restart) the
/// lease is taken again, and if another process took it meanwhile, <see cref="Lost"/> completes.
/// </summary>
internal sealed class PostgreSqlJournalLease : JanusJournalLease
{
    /// <summary>The advisory lock key: "JANU" in ASCII, the same in every database (advisory locks are per database).</summary>
    internal const int LockKey = 0x4A414E55;

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;
    private readonly string _description;
    private readonly JanusJournalLeaseMode _mode;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection _connection;
    private readonly Task _watch;

    private PostgreSqlJournalLease(string connectionString, string description, JanusJournalLeaseMode mode, NpgsqlConnection connection)
    {
        _connectionString = connectionString;
        _description = description;
        _mode = mode;
        _connection = connection;
        _watch = WatchAsync();
    }

    public override Task Lost => _lost.Task;

    public static async Task<JanusJournalLease> TakeAsync(JanusJournalOptions journal, JanusJournalLeaseMode mode, CancellationToken cancellationToken)
    {
        var database = JournalDatabase.For(journal);
        var connectionString = new NpgsqlConnectionStringBuilder(journal.ConnectionString)
        {
            Pooling = false, // the lock lives as long as this one connection
            ApplicationName = Truncate("janus-actors " + DescribeThisProcess(mode), 63),
            KeepAlive = 5, // notice a dead database connection within seconds
        }.ConnectionString;
        try
        {
            var connection = await TryLockAsync(connectionString, mode, cancellationToken).ConfigureAwait(false)
                             ?? throw new JanusJournalHeldException(database.Description, await HolderAsync(connectionString, cancellationToken).ConfigureAwait(false));
            return new PostgreSqlJournalLease(connectionString, database.Description, mode, connection);
        }
        catch (NpgsqlException e)
        {
            throw new JanusJournalUnavailableException(journal.Provider, database.Description, database.Redact(e.Message));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A connection holding the lock, or null when another process holds it.</summary>
    private static async Task<NpgsqlConnection?> TryLockAsync(string connectionString, JanusJournalLeaseMode mode, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = mode == JanusJournalLeaseMode.Shared ? "SELECT pg_try_advisory_lock_shared(@key)" : "SELECT pg_try_advisory_lock(@key)";
            command.Parameters.AddWithValue("key", (long)LockKey);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>The application names of the connections holding the lock (a bigint key below 2^32 is classid 0, objid key).</summary>
    private static async Task<string> HolderAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT coalesce(nullif(a.application_name, ''), 'a process') || ' (' || l.mode || coalesce(', from ' || host(a.client_addr), '') || ')'
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = 0 AND l.objid = @key AND l.objsubid = 1 AND l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """;
        command.Parameters.AddWithValue("key", (long)LockKey);
        var holders = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            holders.Add(reader.GetString(0));
        return holders.Count == 0 ? "another process (it has just released it: try again)" : string.Join("; ", holders);
    }

    /// <summary>Checks the lock's connection; takes the lock again over a new one when it broke.</summary>
    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckInterval, _stop.Token).ConfigureAwait(false);
                await using (var check = _connection.CreateCommand())
                {
                    check.CommandText = "SELECT 1";
                    await check.ExecuteScalarAsync(_stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                if (await RelockAsync().ConfigureAwait(false)) return;
            }
        }
    }

    /// <summary>True when the lease is lost for good (someone else holds it now).</summary>
    private async Task<bool> RelockAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (await TryLockAsync(_connectionString, _mode, _stop.Token).ConfigureAwait(false) is { } connection)
                {
                    _connection = connection;
                    return false;
                }
                _lost.TrySetResult();
                return true;
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(CheckInterval, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        return false;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    public override string ToString() => $"lease on the {_description}";
}
