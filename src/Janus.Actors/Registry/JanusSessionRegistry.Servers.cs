using Akka.Actor;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

// The Janus servers: the placement board is a child (ServerBoardActor); the registry passes it what is the board's, and
// says when the journal holds sessions on servers the configuration no longer has.
internal sealed partial class JanusSessionRegistry
{
    private IActorRef _board = ActorRefs.Nobody;

    private void ReceiveServerMessages()
    {
        Receive<IServerBoardMessage>(message => _board.Forward(message));
        Receive<PlaceSession>(place => _board.Forward(place));
        Receive<CreatingOn>(creating => _board.Forward(creating));
        Receive<ServerBoardActor.CreateChecked>(created => _topology.Region.Tell(created.Create, created.ReplyTo));
        Receive<StrandedSessions.Report>(_ => _stranded.OnReport(Timers, _scanning || _unregistered.Count > 0));
    }

    /// <summary>The board, once the topology it shares its news through (drains, load) exists.</summary>
    private void StartBoard()
    {
        var topology = _topology;
        _board = Context.ActorOf(ServerBoardActor.Props(_options, _homes, _selector, _sessions, topology.ShareWithOtherNodes), "servers");
    }
}
