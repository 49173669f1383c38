using Akka.Actor;
using Akka.Persistence;
using Janus.Actors.Sessions;

namespace Janus.Actors.Tests.Persistence;

/// <summary>
/// The smallest persistent actor that journals real session events: it persists what it is told and, after a
/// restart, answers with what it recovered. Stands in for the session actor in journal tests.
/// </summary>
public sealed class SessionEventRecorder : ReceivePersistentActor
{
    public sealed record Record(IReadOnlyList<IJanusSessionEvent> Events);

    public sealed record Recorded(long LastSequenceNr);

    public sealed record GetRecovered
    {
        public static readonly GetRecovered Instance = new();
    }

    public sealed record Recovered(IReadOnlyList<IJanusSessionEvent> Events, JanusSessionState State);

    private readonly List<IJanusSessionEvent> _events = [];
    private JanusSessionState _state = JanusSessionState.Empty;

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
        Command<GetRecovered>(_ => Sender.Tell(new Recovered(_events.ToArray(), _state)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new SessionEventRecorder(persistenceId));

    private void Apply(IJanusSessionEvent e)
    {
        _events.Add(e);
        _state = _state.Apply(e);
    }
}
