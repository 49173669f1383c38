using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

// The start-up scan: every persisted session gets its actor, from one read of the journal.
internal sealed partial class JanusSessionSupervisor
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
        // Off the supervisor's thread: the read journal's constructor blocks (up to 5 s) until the write journal has
        // created its tables, and the supervisor must keep answering meanwhile.
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
}
