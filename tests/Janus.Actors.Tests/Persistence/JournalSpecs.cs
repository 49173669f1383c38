using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Tests.Persistence;

/// <summary>
/// What the session journal must do on every supported database: survive an actor-system restart, list its
/// sessions for start-up recovery, and store our serializer's id and manifests rather than CLR type names.
/// </summary>
public abstract class JournalSpecs
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected static readonly IJanusSessionEvent[] CallEvents =
    [
        new SessionCreated(4_503_599_627_370_496, JanusTransportKind.WebSocket, Adopted: false),
        new HandleAttached(77, "janus.plugin.videoroom", "call-1-publisher"),
        new HandleAttached(78, "janus.plugin.audiobridge", null),
        new HandleDetached(77),
    ];

    private static readonly IJanusSessionEvent[] RoomEvents =
    [
        new SessionCreated(42, JanusTransportKind.Rest, Adopted: true),
        new SessionLost(458, "No such session"),
    ];

    /// <summary>A journal on an empty database that this test alone uses.</summary>
    protected abstract Task<JanusJournalOptions> CreateJournalAsync();

    /// <summary>A plain ADO.NET connection to the journal's database, to look at the rows themselves.</summary>
    protected abstract DbConnection Connect(JanusJournalOptions options);

    [Fact]
    public async Task Events_persisted_before_a_shutdown_are_recovered_by_the_next_actor_system()
    {
        var journal = await CreateJournalAsync();

        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-call-1", CallEvents));
        var recovered = await WithActorSystemAsync(journal, system => RecoverAsync(system, "janus-session-call-1"));

        Assert.Equal(CallEvents, recovered.Events);
        Assert.Equal(4_503_599_627_370_496, recovered.State.JanusSessionId);
        Assert.False(recovered.State.IsNew);
        Assert.Null(recovered.State.Ended);
        Assert.Equal([78L], recovered.State.Handles.Keys);
    }

    [Fact]
    public async Task The_plugin_creates_the_tables_on_the_first_start_only_and_later_starts_use_them()
    {
        var journal = await CreateJournalAsync();
        Assert.True(JanusPersistence.ToConfig(journal).GetBoolean("akka.persistence.journal.sql.auto-initialize")); // an empty database

        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-call-1", CallEvents));

        Assert.False(JanusPersistence.ToConfig(journal).GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        var recovered = await WithActorSystemAsync(journal, async system =>
        {
            var first = await RecoverAsync(system, "janus-session-call-1");
            await RecordAsync(system, "janus-session-call-2", CallEvents); // and writes work without the creation step
            return first;
        });
        Assert.Equal(CallEvents, recovered.Events);
        Assert.Equal(CallEvents, (await WithActorSystemAsync(journal, system => RecoverAsync(system, "janus-session-call-2"))).Events);
    }

    [Fact]
    public async Task CurrentPersistenceIds_lists_every_persisted_session_after_a_restart()
    {
        var journal = await CreateJournalAsync();

        await WithActorSystemAsync(journal, async system =>
        {
            await RecordAsync(system, "janus-session-call-1", CallEvents);
            return await RecordAsync(system, "janus-session-room-7", RoomEvents);
        });
        var ids = await WithActorSystemAsync(journal, system =>
            PersistenceQuery.Get(system)
                .ReadJournalFor<ICurrentPersistenceIdsQuery>(JanusPersistence.ReadJournalPluginId)
                .CurrentPersistenceIds()
                .RunWith(Sink.Seq<string>(), system.Materializer()));

        Assert.Equal(["janus-session-call-1", "janus-session-room-7"], ids.Order());
    }

    [Fact]
    public async Task A_preloaded_session_recovers_exactly_what_the_database_holds()
    {
        var journal = await CreateJournalAsync();
        var manyEvents = Enumerable.Range(1, 60)
            .SelectMany(i => new IJanusSessionEvent[] { new HandleAttached(i, "janus.plugin.echotest", $"h{i}"), new HandleDetached(i) })
            .Prepend(new SessionCreated(7, JanusTransportKind.WebSocket, Adopted: false))
            .Append(new HandleAttached(999, "janus.plugin.sip", null))
            .ToArray();
        IJanusSessionEvent[] destroyed = [new SessionCreated(8, JanusTransportKind.WebSocket, Adopted: false), new SessionDestroyed()];
        var sessions = new Dictionary<string, IJanusSessionEvent[]>
        {
            ["janus-session-call-1"] = CallEvents,
            ["janus-session-room-7"] = RoomEvents,
            ["janus-session-many"] = manyEvents,
            ["janus-session-gone"] = destroyed,
        };
        await WithActorSystemAsync(journal, async system =>
        {
            foreach (var (id, events) in sessions) await RecordAsync(system, id, events);
            // Not sessions either, though SQLite's LIKE would take them for some: another case, a wildcard character.
            await RecordAsync(system, "JANUS-SESSION-shout", RoomEvents);
            await RecordAsync(system, "janus_session-wildcard", RoomEvents);
            return await RecordAsync(system, "not-a-session", RoomEvents);
        });

        var (ids, preloaded) = await WithActorSystemAsync(journal, async system =>
        {
            var found = await PreloadAsync(system);
            var recovered = new Dictionary<string, SessionEventRecorder.Recovered>();
            foreach (var id in sessions.Keys) recovered[id] = await RecoverAsync(system, id);
            return (found, recovered);
        });
        var fromDatabase = await WithActorSystemAsync(journal, async system =>
        {
            var recovered = new Dictionary<string, SessionEventRecorder.Recovered>();
            foreach (var id in sessions.Keys) recovered[id] = await RecoverAsync(system, id);
            return recovered;
        });

        Assert.Equal(sessions.Keys.Order(), ids);
        foreach (var (id, events) in sessions)
        {
            Assert.Equal(events, preloaded[id].Events);
            Assert.Equal(fromDatabase[id].Events, preloaded[id].Events);
            Assert.Equal(fromDatabase[id].State.Handles, preloaded[id].State.Handles);
            Assert.Equal(fromDatabase[id].State with { Handles = preloaded[id].State.Handles }, preloaded[id].State);
            Assert.Equal(events.Length, preloaded[id].LastSequenceNr);
        }
        Assert.Equal([999L], preloaded["janus-session-many"].State.Handles.Keys);
        Assert.Equal(JanusSessionStatus.Lost, preloaded["janus-session-room-7"].State.Ended);
        Assert.Equal(JanusSessionStatus.Destroyed, preloaded["janus-session-gone"].State.Ended);
    }

    [Fact]
    public async Task Recoveries_that_arrive_together_recover_exactly_what_the_database_holds()
    {
        var journal = await CreateJournalAsync();
        var sessions = Enumerable.Range(0, 40).ToDictionary(i => $"janus-session-s{i}", i => CallEvents.Take(1 + i % CallEvents.Length).ToArray());
        await WithActorSystemAsync(journal, async system =>
        {
            await Task.WhenAll(sessions.Select(s => RecordAsync(system, s.Key, s.Value)));
            return 0;
        });

        // As a node taking a dead node's shards over: many recoveries at once, no preload.
        var recovered = await WithActorSystemAsync(journal, async system =>
        {
            var all = await Task.WhenAll(sessions.Keys.Append("janus-session-new").Select(async id => (id, await RecoverAsync(system, id))));
            return all.ToDictionary(r => r.id, r => r.Item2);
        });

        foreach (var (id, events) in sessions)
        {
            Assert.Equal(events, recovered[id].Events);
            Assert.Equal(events.Length, recovered[id].LastSequenceNr);
        }
        Assert.Empty(recovered["janus-session-new"].Events);
        Assert.Equal(0, recovered["janus-session-new"].LastSequenceNr);
    }

    [Fact]
    public async Task A_write_after_the_preload_is_seen_by_the_next_recovery()
    {
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-call-1", CallEvents));

        var recovered = await WithActorSystemAsync(journal, async system =>
        {
            await PreloadAsync(system);
            var session = system.ActorOf(SessionEventRecorder.Props("janus-session-call-1"));
            await session.Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record([new HandleDetached(78)]), Timeout);
            await StopAsync(session);
            // The same process recovers the id again (as after a journal failure): from the database, not the preload.
            return await RecoverAsync(system, "janus-session-call-1");
        });

        Assert.Equal([.. CallEvents, new HandleDetached(78)], recovered.Events);
        Assert.Empty(recovered.State.Handles);
    }

    /// <summary>Not a session (sharding's remembered entities, say): the plugin's rule, the highest sequence number is kept.</summary>
    [Fact]
    public async Task Sequence_numbers_of_other_persistent_actors_continue_after_deleted_events()
    {
        const string other = "remembered-entities-7";
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, async system =>
        {
            var actor = system.ActorOf(SessionEventRecorder.Props(other));
            await actor.Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record(CallEvents), Timeout);
            return await actor.Ask<SessionEventRecorder.Deleted>(new SessionEventRecorder.Delete(CallEvents.Length), Timeout);
        });

        var (recovered, next) = await WithActorSystemAsync(journal, async system =>
        {
            var actor = system.ActorOf(SessionEventRecorder.Props(other));
            var before = await actor.Ask<SessionEventRecorder.Recovered>(SessionEventRecorder.GetRecovered.Instance, Timeout);
            var after = await actor.Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record([new SessionDestroyed()]), Timeout);
            return (before, after);
        });

        Assert.Empty(recovered.Events);
        Assert.Equal(CallEvents.Length, recovered.LastSequenceNr);
        Assert.Equal(CallEvents.Length + 1, next.LastSequenceNr);
    }

    /// <summary>A session whose events were deleted half-way (a crash between the plugin's delete and the last row's) is not started.</summary>
    [Fact]
    public async Task The_preload_starts_no_session_whose_rows_are_all_deleted()
    {
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-call-1", CallEvents));
        await using (var connection = Connect(journal))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE journal SET deleted = true WHERE persistence_id = 'janus-session-call-1'";
            await command.ExecuteNonQueryAsync();
        }

        var preloaded = await WithActorSystemAsync(journal, PreloadAsync);

        Assert.Empty(preloaded);
    }

    [Fact]
    public async Task Deleting_a_sessions_events_forgets_it_and_a_later_actor_of_its_key_starts_afresh()
    {
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, async system =>
        {
            await RecordAsync(system, "janus-session-call-1", [.. CallEvents, new SessionDestroyed(DateTimeOffset.UtcNow)]);
            await RecordAsync(system, "janus-session-call-2", CallEvents);
            var session = system.ActorOf(SessionEventRecorder.Props("janus-session-call-1"));
            return await session.Ask<SessionEventRecorder.Deleted>(new SessionEventRecorder.Delete(CallEvents.Length + 1), Timeout);
        });

        Assert.Equal(0, await CountRowsAsync(journal, "janus-session-call-1"));
        Assert.Equal(CallEvents.Length, await CountRowsAsync(journal, "janus-session-call-2"));
        var (preloaded, recovered, next) = await WithActorSystemAsync(journal, async system =>
        {
            var ids = await PreloadAsync(system);
            var session = system.ActorOf(SessionEventRecorder.Props("janus-session-call-1"));
            var before = await session.Ask<SessionEventRecorder.Recovered>(SessionEventRecorder.GetRecovered.Instance, Timeout);
            var after = await session.Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record([CallEvents[0]]), Timeout);
            return (ids, before, after);
        });

        Assert.Equal(["janus-session-call-2"], preloaded);
        Assert.True(recovered.State.IsNew);
        Assert.Equal(0, recovered.LastSequenceNr);
        Assert.Equal(1, next.LastSequenceNr);
    }

    private async Task<long> CountRowsAsync(JanusJournalOptions journal, string persistenceId)
    {
        await using var connection = Connect(journal);
        return await connection.CountJournalRowsAsync(persistenceId);
    }

    [Fact]
    public async Task Journal_rows_hold_our_serializer_id_short_manifests_and_camel_case_json()
    {
        var journal = await CreateJournalAsync();
        await WithActorSystemAsync(journal, system => RecordAsync(system, "janus-session-room-7", RoomEvents));

        await using var connection = Connect(journal);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT identifier, manifest, message FROM journal WHERE persistence_id = 'janus-session-room-7' ORDER BY sequence_number";
        var rows = new List<(int Identifier, string Manifest, string Json)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                rows.Add((Convert.ToInt32(reader.GetValue(0)), reader.GetString(1), Encoding.UTF8.GetString((byte[])reader.GetValue(2))));
        }

        Assert.Equal(
            [
                (JanusEventSerializer.SerializerId, "created-v2", """{"janusSessionId":42,"transport":"rest","adopted":true,"server":"default"}"""),
                (JanusEventSerializer.SerializerId, "lost", """{"code":458,"reason":"No such session"}"""),
            ],
            rows);
    }

    /// <summary>What the session region does at start-up: one read of every session, answered with their ids.</summary>
    private static async Task<IReadOnlyList<string>> PreloadAsync(ActorSystem system)
    {
        Assert.True(JanusSessionJournal.IsDefaultJournal(system));
        var preloaded = await Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null)
            .Ask<SessionsPreloaded>(new PreloadSessions(JanusSessionActor.PersistenceIdPrefix), Timeout);
        return preloaded.PersistenceIds;
    }

    private static async Task StopAsync(IActorRef actor)
    {
        await actor.GracefulStop(Timeout);
    }

    private protected static Task<SessionEventRecorder.Recovered> RecoverAsync(ActorSystem system, string persistenceId) =>
        system.ActorOf(SessionEventRecorder.Props(persistenceId)).Ask<SessionEventRecorder.Recovered>(SessionEventRecorder.GetRecovered.Instance, Timeout);

    private protected static async Task<SessionEventRecorder.Recorded> RecordAsync(ActorSystem system, string persistenceId, IReadOnlyList<IJanusSessionEvent> events) =>
        await system.ActorOf(SessionEventRecorder.Props(persistenceId))
            .Ask<SessionEventRecorder.Recorded>(new SessionEventRecorder.Record(events), Timeout);

    // One actor system from start to terminated: the next one sees only what the journal kept.
    protected static async Task<T> WithActorSystemAsync<T>(JanusJournalOptions journal, Func<ActorSystem, Task<T>> use)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(JanusPersistence.ToConfig(journal));
        var system = ActorSystem.Create("journal-specs", config);
        try
        {
            return await use(system);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
