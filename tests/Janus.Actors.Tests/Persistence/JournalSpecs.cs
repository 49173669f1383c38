using System.Data.Common;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Xunit;
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
        Assert.Equal(JanusSessionPhase.Live, recovered.State.Phase);
        Assert.Equal([78L], recovered.State.Handles.Keys);
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
                (JanusEventSerializer.SerializerId, "created", """{"janusSessionId":42,"transport":"rest","adopted":true}"""),
                (JanusEventSerializer.SerializerId, "lost", """{"code":458,"reason":"No such session"}"""),
            ],
            rows);
    }

    protected static Task<SessionEventRecorder.Recovered> RecoverAsync(ActorSystem system, string persistenceId) =>
        system.ActorOf(SessionEventRecorder.Props(persistenceId)).Ask<SessionEventRecorder.Recovered>(SessionEventRecorder.GetRecovered.Instance, Timeout);

    protected static async Task<SessionEventRecorder.Recorded> RecordAsync(ActorSystem system, string persistenceId, IReadOnlyList<IJanusSessionEvent> events) =>
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
