using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Db;
using Akka.Persistence.Sql.Journal;
using Akka.Persistence.Sql.Journal.Types;
using Janus.Actors.Sessions;
using LinqToDB;
using Config = Akka.Configuration.Config;

namespace Janus.Actors.Persistence;

/// <summary>
/// The session journal: Akka.Persistence.Sql's journal, reading many sessions at once. The stock plugin replays each
/// persistent actor on its own (a highest-sequence-number query and an events query, each on a fresh connection and
/// transaction, and a stream per replay): ten thousand sessions coming back after a crash cost twenty thousand queries.
/// <list type="bullet">
/// <item>At a single node's start-up, asked with <see cref="PreloadSessions"/>, it reads the rows of every session in one
/// query, answers with the ids (the start-up scan) and serves each id's first recovery from memory.</item>
/// <item>Recoveries that arrive together otherwise (a cluster node taking a dead node's shards over, a restart of many
/// sessions) are coalesced: the ids asked within <c>recovery-coalesce-window</c> are read with one
/// <c>persistence_id IN (...)</c> query.</item>
/// </list>
/// <para>Invariants: the database stays the only source of truth. Rows are kept in memory only from a read that no write
/// of the id overlapped (<see cref="JournalWrites"/>), and an id leaves memory when it is replayed or written, so nothing
/// a write could change is ever served from it. Deleted rows are not replayed but still count for the highest sequence
/// number, as in the plugin.</para>
/// <para>Forgetting: a session deletes its events only to be forgotten, once it has ended and its retention has passed.
/// A delete of a session's events (<see cref="JanusSessionActor.PersistenceIdPrefix"/>) removes the row the plugin keeps,
/// marked deleted, to remember the highest sequence number, too: a forgotten key leaves nothing behind, and a later session
/// under it starts again from sequence number 1. Other persistent actors (sharding's remembered entities) keep the
/// plugin's rule.</para>
/// </summary>
internal sealed class JanusSessionJournal : SqlWriteJournal, IWithTimers
{
    private readonly JournalRowReader _rows;
    private readonly AkkaPersistenceDataConnectionFactory _connections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeSpan _coalesceWindow;
    private readonly int _maxCoalesced;
    private readonly JournalWrites _writes = new();

    // Read by replays on other threads; filled on the actor's thread, emptied on either.
    private readonly ConcurrentDictionary<string, LoadedSession> _loaded = new(StringComparer.Ordinal);

    // Recoveries waiting for the next coalesced read, by persistence id; the actor's thread only.
    private Dictionary<string, TaskCompletionSource<long>> _waiting = new(StringComparer.Ordinal);

    public JanusSessionJournal(Config journalConfig) : base(journalConfig)
    {
        var config = journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration);
        var journal = new JournalConfig(config);
        _rows = JournalRowReader.For(journal);
        _connections = new AkkaPersistenceDataConnectionFactory(journal);
        _coalesceWindow = config.GetTimeSpan("recovery-coalesce-window", TimeSpan.FromMilliseconds(5));
        _maxCoalesced = config.GetInt("recovery-coalesce-max", 500);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>True when <paramref name="system"/>'s default journal is this one (or derives from it).</summary>
    public static bool IsDefaultJournal(ActorSystem system)
    {
        var config = system.Settings.Config;
        var pluginId = config.GetString("akka.persistence.journal.plugin");
        var type = string.IsNullOrEmpty(pluginId) ? null : Type.GetType(config.GetString($"{pluginId}.class") ?? "");
        return type is not null && typeof(JanusSessionJournal).IsAssignableFrom(type);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        base.PostStop();
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (base.ReceivePluginInternal(message)) return true;
        switch (message)
        {
            case PreloadSessions preload:
                var replyTo = Sender;
                Read(token => _rows.ReadPrefixAsync(preload.PersistenceIdPrefix, token), read => new Preloaded(read, replyTo),
                    cause => replyTo.Tell(new Status.Failure(cause)));
                return true;
            case Preloaded preloaded:
                preloaded.ReplyTo.Tell(new SessionsPreloaded(Keep(preloaded.Read).Keys.Where(HasEvents).ToList()));
                return true;
            case ReadRecoveries:
                ReadWaitingRecoveries();
                return true;
            case RecoveriesRead read:
                OnRecoveriesRead(read);
                return true;
            case WriteEnded ended:
                _writes.Ended(ended.PersistenceId);
                return true;
            case ReadFailed failed:
                _writes.ReadEnded(failed.Stale);
                failed.Fail(failed.Cause);
                return true;
            default:
                return false;
        }
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (fromSequenceNr != 0 || _writes.IsWriting(persistenceId))
            return base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
        if (_loaded.TryGetValue(persistenceId, out var session))
            return Task.FromResult(session.HighestSequenceNr);
        if (!_waiting.TryGetValue(persistenceId, out var waiting))
        {
            _waiting[persistenceId] = waiting = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_waiting.Count >= _maxCoalesced) ReadWaitingRecoveries();
            else if (_waiting.Count == 1) Timers.StartSingleTimer(ReadRecoveries.Instance, ReadRecoveries.Instance, _coalesceWindow);
        }
        return waiting.Task;
    }

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        if (!_loaded.TryRemove(persistenceId, out var session))
            return base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);

        var serialization = context.System.Serialization;
        long replayed = 0;
        foreach (var row in session.Rows)
        {
            if (row.SequenceNumber < fromSequenceNr || row.SequenceNumber > toSequenceNr || replayed >= max) continue;
            // Deserialized here, on the replaying thread, as the plugin does: not all at once in the read.
            recoveryCallback(new Persistent(
                payload: serialization.Deserialize(row.Message, row.Identifier!.Value, row.Manifest),
                sequenceNr: row.SequenceNumber,
                persistenceId: row.PersistenceId,
                manifest: row.EventManifest ?? row.Manifest,
                isDeleted: false,
                sender: ActorRefs.NoSender,
                writerGuid: row.WriterUuid,
                timestamp: row.Timestamp));
            replayed++;
        }
        return Task.CompletedTask;
    }

    /// <summary>A delete is a write: a read that overlaps it may have seen rows it removes.</summary>
    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        _loaded.TryRemove(persistenceId, out _);
        _writes.Started(persistenceId);
        var self = Self;
        var deleted = DeleteAsync(persistenceId, toSequenceNr, cancellationToken);
        deleted.ContinueWith(_ => self.Tell(new WriteEnded(persistenceId)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return deleted;
    }

    /// <summary>The plugin's delete; of a session, the row the plugin keeps as well (see the remarks above).</summary>
    private async Task DeleteAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await base.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
        if (!persistenceId.StartsWith(JanusSessionActor.PersistenceIdPrefix, StringComparison.Ordinal)) return;
        await using var connection = _connections.GetConnection();
        await connection.GetTable<JournalRow>()
            .Where(r => r.PersistenceId == persistenceId && r.Deleted)
            .DeleteAsync(cancellationToken);
    }

    /// <summary>
    /// An id the preload found has events to replay, or is left to the plugin; one whose rows are all deleted (a delete
    /// that stopped half-way) has nothing: no session is started for it.
    /// </summary>
    private bool HasEvents(string persistenceId)
    {
        if (!_loaded.TryGetValue(persistenceId, out var session) || session.Rows.Length > 0) return true;
        _loaded.TryRemove(persistenceId, out _);
        return false;
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyCollection<AtomicWrite> ?? messages.ToList();
        var self = Self;
        foreach (var id in writes.Select(w => w.PersistenceId).Distinct())
        {
            _loaded.TryRemove(id, out _);
            _writes.Started(id);
        }
        var written = base.WriteMessagesAsync(writes, cancellationToken);
        written.ContinueWith(_ =>
        {
            foreach (var id in writes.Select(w => w.PersistenceId).Distinct()) self.Tell(new WriteEnded(id));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return written;
    }

    /// <summary>One read of every recovery that arrived since the last: its rows are kept, then each recovery goes on.</summary>
    private void ReadWaitingRecoveries()
    {
        Timers.Cancel(ReadRecoveries.Instance);
        if (_waiting.Count == 0) return;
        var waiting = _waiting;
        _waiting = new Dictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        var ids = waiting.Keys.ToList();
        Read(token => _rows.ReadIdsAsync(ids, token), read => new RecoveriesRead(read, waiting),
            cause => { foreach (var recovery in waiting.Values) recovery.TrySetException(cause); });
    }

    private void OnRecoveriesRead(RecoveriesRead read)
    {
        var kept = Keep(read.Read);
        foreach (var (id, recovery) in read.Waiting)
        {
            if (kept.TryGetValue(id, out var highest) && highest >= 0)
                recovery.TrySetResult(highest);
            else if (highest < 0 || read.Read.Stale.Contains(id))
                base.ReadHighestSequenceNrAsync(id, 0, _stopping.Token).ContinueWith(t => Complete(recovery, t), TaskScheduler.Default); // not kept: ask the plugin
            else
                recovery.TrySetResult(0); // no row: a new id
        }
    }

    private static void Complete(TaskCompletionSource<long> recovery, Task<long> highest)
    {
        if (highest.IsCompletedSuccessfully) recovery.TrySetResult(highest.Result);
        else recovery.TrySetException(highest.Exception?.InnerException ?? new TaskCanceledException());
    }

    /// <summary>Reads every row (deleted ones included) of the ids <paramref name="read"/> selects, in one statement.</summary>
    private void Read(Func<CancellationToken, Task<List<JournalRow>>> read, Func<RowsRead, object> onRead, Action<Exception> onFailure)
    {
        var stale = _writes.ReadStarted();
        var token = _stopping.Token;
        // On the pool, never on this actor's thread: Microsoft.Data.Sqlite's async calls run synchronously, and a read
        // that waits for a database lock must not stop the journal from taking its other messages meanwhile.
        Task.Run(() => read(token), token)
            .PipeTo(Self,
                success: rows => onRead(new RowsRead(rows, stale)),
                failure: cause => new ReadFailed(cause, stale, onFailure));
    }

    /// <summary>
    /// Keeps in memory the sessions of a read that no write overlapped, until their replay, and is the only place that
    /// fills the cache. Returns every id the read found with its highest sequence number, -1 for one left to the plugin.
    /// </summary>
    private Dictionary<string, long> Keep(RowsRead read)
    {
        _writes.ReadEnded(read.Stale);
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var rows in read.Rows.GroupBy(r => r.PersistenceId, StringComparer.Ordinal))
        {
            var all = rows.ToList();
            // Rows written by a serializer without an identifier (very old plugins) are left to the plugin's own replay.
            if (read.Stale.Contains(rows.Key) || all.Any(r => r.Identifier is null))
            {
                found[rows.Key] = -1;
                continue;
            }
            var highest = all.Max(r => r.SequenceNumber);
            _loaded[rows.Key] = new LoadedSession(highest, all.Where(r => !r.Deleted).ToArray());
            found[rows.Key] = highest;
        }
        return found;
    }

    private sealed record LoadedSession(long HighestSequenceNr, JournalRow[] Rows);

    private sealed record RowsRead(List<JournalRow> Rows, HashSet<string> Stale) : INoSerializationVerificationNeeded;

    private sealed record Preloaded(RowsRead Read, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    private sealed record RecoveriesRead(RowsRead Read, Dictionary<string, TaskCompletionSource<long>> Waiting) : INoSerializationVerificationNeeded;

    private sealed record ReadFailed(Exception Cause, HashSet<string> Stale, Action<Exception> Fail) : INoSerializationVerificationNeeded;

    private sealed record WriteEnded(string PersistenceId) : INoSerializationVerificationNeeded;

    private sealed record ReadRecoveries : INoSerializationVerificationNeeded
    {
        public static readonly ReadRecoveries Instance = new();
    }
}

/// <summary>
/// Asks a <see cref="JanusSessionJournal"/> to read every persistence id starting with <paramref name="PersistenceIdPrefix"/>
/// at once and keep their events for their first recovery. Answered with <see cref="SessionsPreloaded"/>, or a
/// <see cref="Status.Failure"/> when the database could not be read.
/// </summary>
internal sealed record PreloadSessions(string PersistenceIdPrefix) : INoSerializationVerificationNeeded;

/// <summary>The persistence ids the preload found (ended sessions included), in id order.</summary>
internal sealed record SessionsPreloaded(IReadOnlyList<string> PersistenceIds) : INoSerializationVerificationNeeded;
