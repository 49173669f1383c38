using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Registry;

// The start-up scan: every persisted session gets its actor, from one read of the journal.
internal sealed partial class LocalSessionRegion
{
    /// <summary>The persistence ids of every session in the journal, found by the start-up scan.</summary>
    private sealed record ScanFound(IReadOnlyList<string> PersistenceIds) : INoSerializationVerificationNeeded;

    /// <summary>How long the start-up read of the whole journal may take before it is tried again.</summary>
    private static readonly TimeSpan PreloadTimeout = TimeSpan.FromSeconds(60);

    private sealed record ScanFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private sealed record ScanJournal : INoSerializationVerificationNeeded
    {
        public static readonly ScanJournal Instance = new();
    }

    /// <summary>
    /// Every persisted session gets its actor, which recovers and claims on its own. On the session journal the ids come
    /// from one read that also keeps every session's events for its recovery (<see cref="JanusSessionJournal"/>); on any
    /// other journal from the read journal's list of persistence ids.
    /// </summary>
    private void StartScan()
    {
        if (_readJournalPluginId is null)
        {
            OnScanFound(new ScanFound([]));
            return;
        }
        var self = Self;
        var system = Context.System;
        if (JanusSessionJournal.IsDefaultJournal(system))
        {
            Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null)
                .Ask<SessionsPreloaded>(new PreloadSessions(JanusSessionActor.PersistenceIdPrefix), PreloadTimeout)
                .PipeTo(self,
                    success: preloaded => new ScanFound(preloaded.PersistenceIds),
                    failure: cause => new ScanFailed(cause));
            return;
        }

        var materializer = Context.Materializer();
        // Off the region's thread: the read journal's constructor blocks (up to 5 s) until the write journal has
        // created its tables, and the region must keep taking requests meanwhile.
        Task.Run(() => PersistenceQuery.Get(system)
                .ReadJournalFor<ICurrentPersistenceIdsQuery>(_readJournalPluginId!)
                .CurrentPersistenceIds()
                .Where(id => id.StartsWith(JanusSessionActor.PersistenceIdPrefix, StringComparison.Ordinal))
                .RunAggregate(new List<string>(), (ids, id) =>
                {
                    ids.Add(id);
                    return ids;
                }, materializer))
            .PipeTo(self, success: ids => new ScanFound(ids), failure: cause => new ScanFailed(cause));
    }

    /// <summary>
    /// Starts every persisted session (each recovers and claims on its own), tells the registry which ones it waits for,
    /// then lets the requests held meanwhile through.
    /// </summary>
    private void OnScanFound(ScanFound found)
    {
        if (_held is not { } held) return; // a retried scan answered twice
        var keys = found.PersistenceIds.Select(id => id[JanusSessionActor.PersistenceIdPrefix.Length..]).ToList();
        // Before they start: the first to recover must already count the rest (see JanusRestConnections.Recovering).
        foreach (var link in _servers.All) link.Rest?.Recovering(keys.Count);
        foreach (var key in keys) StartSession(key);
        if (_readJournalPluginId is not null)
            _log.Info("Journal scanned: {Count} persisted sessions started for recovery", keys.Count);
        _registry.Tell(new ScanCompleted(keys));
        _held = null;
        foreach (var (sender, message) in held) Self.Tell(message, sender);
    }
}
