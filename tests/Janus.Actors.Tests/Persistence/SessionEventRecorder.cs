using Akka.Persistence;

namespace Janus.Actors.Tests.Persistence;

/// <summary>
/// The smallest persistent actor that journals real session events: it persists what it is told and, after a
/// restart, answers with what it recovered. Stands in for the session actor in journal tests.
/// </summary>
internal sealed class SessionEventRecorder : ReceivePersistentActor
{
    public sealed record Record(IReadOnlyList<IJanusSessionEvent> Events);

    public sealed record Recorded(long LastSequenceNr);

    public sealed record GetRecovered
    {
        public static readonly GetRecovered Instance = new();
    }

    public sealed record Recovered(IReadOnlyList<IJanusSessionEvent> Events, PersistedSession State, long LastSequenceNr);

    /// <summary>Deletes the events up to <see cref="ToSequenceNr"/>; answered with <see cref="Deleted"/>.</summary>
    public sealed record Delete(long ToSequenceNr);

    public sealed record Deleted;

    private readonly List<IJanusSessionEvent> _events = [];
    private PersistedSession _state = PersistedSession.Empty;

    public SessionEventRecorder(string persistenceId)
    {
        PersistenceId = persistenceId;
        Recover<IJanusSessionEvent>(Apply);
        Command<Record>(record =>
        {
            var replyTo = Sender;
            PersistAll(record.Events, Apply);
            DeferAsync(record, _ => replyTo.Tell(new Recorded(LastSequenceNr)));
        });
        Command<GetRecovered>(_ => Sender.Tell(new Recovered(_events.ToArray(), _state, LastSequenceNr)));
        IActorRef? deleting = null;
        Command<Delete>(delete =>
        {
            deleting = Sender;
            DeleteMessages(delete.ToSequenceNr);
        });
        Command<DeleteMessagesSuccess>(_ => deleting?.Tell(new Deleted()));
        Command<DeleteMessagesFailure>(failure => deleting?.Tell(new Status.Failure(failure.Cause)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(typeof(SessionEventRecorder), persistenceId);

    private void Apply(IJanusSessionEvent e)
    {
        _events.Add(e);
        _state = _state.Apply(e);
    }
}
