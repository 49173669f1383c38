using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Db;
using Akka.Persistence.Sql.Extensions;
using Akka.Persistence.Sql.Journal;
using Akka.Persistence.Sql.Journal.Types;
using LinqToDB;
using Config = Akka.Configuration.Config;

namespace Janus.Actors.Persistence;

/// <summary>
/// The session journal: Akka.Persistence.Sql's journal, plus one read of every session at start-up. The stock plugin
/// replays each persistent actor on its own (a highest-sequence-number query and an events query, each on a fresh
/// connection and transaction, and a stream per replay): ten thousand sessions coming back after a crash cost twenty
/// thousand queries. Asked with <see cref="PreloadSessions"/>, this journal reads all rows of the sessions' persistence
/// ids in one query, answers with the ids (the start-up scan), and serves each id's first recovery from memory.
/// <para>Invariants: the database stays the only source of truth. The cache is filled before this process writes
/// an id (an id written while the query runs is left out of it), and an id leaves it when it is replayed or written,
/// so nothing a write could change is ever served from it; every later recovery goes to the database. Deleted rows are
/// not replayed but still count for the highest sequence number, as in the plugin.</para>
/// </summary>
public sealed class JanusSessionJournal : SqlWriteJournal
{
    private readonly JournalConfig _config;
    private readonly AkkaPersistenceDataConnectionFactory _database;
    private readonly CancellationTokenSource _stopping = new();

    // Read by replays on other threads; filled and emptied on the actor's thread (TryRemove on either).
    private readonly ConcurrentDictionary<string, PreloadedSession> _preloaded = new(StringComparer.Ordinal);

    // Ids written while the preload query runs: whatever the query saw of them may be stale. Null when none runs.
    private HashSet<string>? _writtenDuringPreload;

    public JanusSessionJournal(Config journalConfig) : base(journalConfig)
    {
        _config = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        _database = new AkkaPersistenceDataConnectionFactory(_config);
    }

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
                StartPreload(preload.PersistenceIdPrefix, Sender);
                return true;
            case Loaded loaded:
                Install(loaded);
                return true;
            case LoadFailed failed:
                _writtenDuringPreload = null;
                failed.ReplyTo.Tell(new Status.Failure(failed.Cause));
                return true;
            default:
                return false;
        }
    }

    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
        fromSequenceNr == 0 && _preloaded.TryGetValue(persistenceId, out var session)
            ? Task.FromResult(session.HighestSequenceNr)
            : base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback)
    {
        if (!_preloaded.TryRemove(persistenceId, out var session))
            return base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback);

        var serialization = context.System.Serialization;
        long replayed = 0;
        foreach (var row in session.Rows)
        {
            if (row.SequenceNumber < fromSequenceNr || row.SequenceNumber > toSequenceNr || replayed >= max) continue;
            // Deserialized here, on the replaying thread, as the plugin does: not all at once in the preload.
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

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyCollection<AtomicWrite> ?? messages.ToList();
        foreach (var write in writes)
        {
            _preloaded.TryRemove(write.PersistenceId, out _);
            _writtenDuringPreload?.Add(write.PersistenceId);
        }
        return base.WriteMessagesAsync(writes, cancellationToken);
    }

    private void StartPreload(string prefix, IActorRef replyTo)
    {
        _writtenDuringPreload ??= new HashSet<string>(StringComparer.Ordinal);
        LoadAsync(prefix).PipeTo(Self,
            success: rows => new Loaded(rows, replyTo),
            failure: cause => new LoadFailed(cause, replyTo));
    }

    /// <summary>Every row of every id with the prefix, deleted ones included, in one query and one transaction.</summary>
    private Task<List<JournalRow>> LoadAsync(string prefix) =>
        _database.ExecuteWithTransactionAsync(_config.ReadIsolationLevel, _stopping.Token, (connection, token) =>
            LinqToDB.Async.AsyncExtensions.ToListAsync(
                connection.GetTable<JournalRow>()
                    .Where(r => r.PersistenceId.StartsWith(prefix))
                    .OrderBy(r => r.PersistenceId).ThenBy(r => r.SequenceNumber),
                token));

    private void Install(Loaded loaded)
    {
        var stale = _writtenDuringPreload ?? [];
        _writtenDuringPreload = null;
        var ids = new List<string>();
        foreach (var rows in loaded.Rows.GroupBy(r => r.PersistenceId, StringComparer.Ordinal))
        {
            ids.Add(rows.Key);
            var all = rows.ToList();
            // Rows written by a serializer without an identifier (very old plugins) are left to the plugin's own replay,
            // and so is a journal in the plugin's compatibility mode (highest numbers kept in a metadata table).
            if (stale.Contains(rows.Key) || _config.DaoConfig.SqlCommonCompatibilityMode || all.Any(r => r.Identifier is null)) continue;
            _preloaded[rows.Key] = new PreloadedSession(all.Max(r => r.SequenceNumber), all.Where(r => !r.Deleted).ToArray());
        }
        loaded.ReplyTo.Tell(new SessionsPreloaded(ids));
    }

    private sealed record PreloadedSession(long HighestSequenceNr, JournalRow[] Rows);

    private sealed record Loaded(List<JournalRow> Rows, IActorRef ReplyTo) : INoSerializationVerificationNeeded;

    private sealed record LoadFailed(Exception Cause, IActorRef ReplyTo) : INoSerializationVerificationNeeded;
}

/// <summary>
/// Asks a <see cref="JanusSessionJournal"/> to read every persistence id starting with <paramref name="PersistenceIdPrefix"/>
/// at once and keep their events for their first recovery. Answered with <see cref="SessionsPreloaded"/>, or a
/// <see cref="Status.Failure"/> when the database could not be read.
/// </summary>
public sealed record PreloadSessions(string PersistenceIdPrefix) : INoSerializationVerificationNeeded;

/// <summary>The persistence ids the preload found (ended sessions included), in id order.</summary>
public sealed record SessionsPreloaded(IReadOnlyList<string> PersistenceIds) : INoSerializationVerificationNeeded;
