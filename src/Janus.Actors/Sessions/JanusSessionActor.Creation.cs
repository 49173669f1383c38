using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// Create or adopt: a server (named, or placed by the registry), the first transport, then create (or claim an adoptee), then persist.
internal sealed partial class JanusSessionActor
{
    private void StartCreation(CreateSession command)
    {
        _creation = (command, Sender);
        _state = _state with { Transport = command.Transport };
        Enter(SessionPhase.Creating);
        if (command.Server is { } named)
        {
            _registry.Tell(new CreatingOn(_key, named, command.Transport)); // the registry checked it is configured and open
            CreateOn(named);
        }
        else AskForServer();
    }

    /// <summary>Placement is the registry's: it sees every server's load and state (<see cref="Servers.IJanusServerSelector"/>).</summary>
    private void AskForServer()
    {
        var command = _creation!.Value.Command;
        _registry.Tell(new PlaceSession(_key, command.Transport, command.Zone, _triedServers));
    }

    private void OnPlaced(SessionPlaced placed)
    {
        if (placed.Server is { } server) CreateOn(server);
        else FailCreation(new JanusNoServerAvailableException(placed.Refusal ?? "no Janus server can take a new session"));
    }

    private void CreateOn(string server)
    {
        _triedServers.Add(server);
        _state = _state with { Server = server };
        Connect();
    }

    /// <summary>
    /// A placed create that a server refused (472, draining) or could not reach moves to the next server, if the registry has
    /// one; true when it did. A session created on a named server, and an adoption, stay where they were asked to be.
    /// </summary>
    private bool TriedAnotherServer(string why)
    {
        if (_creation is not { Command.Server: null }) return false;
        Log.Info("Janus server '{Server}' did not take session {SessionKey} ({Reason}): placing it on another server", _state.Server, _key, why);
        CancelPending();
        LeaveServer();
        AskForServer();
        return true;
    }

    private void SendCreateOrAdopt()
    {
        _traceParent = _creation!.Value.Command.TraceParent; // the create (or claim) joins the caller's trace
        if (_creation!.Value.Command.AdoptJanusSessionId is { } id)
            SendAdopt(id);
        else
            SendCreate();
    }

    private void SendCreate() => Send(JanusRequests.Create(NextTransaction()),
        success: reply =>
        {
            if (reply.Data is { } data) OnCreated(data.Id, adopted: false);
            else FailCreation(new JanusRequestException("create", (int)JanusErrorCode.Unknown, "create answered without a session id"));
        },
        error: error =>
        {
            if (error.Code == (int)JanusErrorCode.NotAcceptingSessions && TriedAnotherServer($"{error.Code} {error.Reason}")) return;
            FailCreation(new JanusRequestException("create", error.Code, error.Reason ?? ""));
        },
        unanswered: why => FailCreation(new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, NoAnswer(why))));

    /// <summary>Adopting an existing Janus session is claiming it; a refusal is the caller's <see cref="JanusSessionReclaimException"/>.</summary>
    private void SendAdopt(long janusSessionId) => Send(JanusRequests.Claim(NextTransaction(), janusSessionId),
        success: _ => OnCreated(janusSessionId, adopted: true),
        error: error =>
        {
            JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error.Code));
            FailCreation(new JanusSessionReclaimException(_key, janusSessionId, error.Code, error.Reason ?? ""));
        },
        unanswered: why => FailCreation(new JanusSessionReclaimException(_key, janusSessionId, null, NoAnswer(why))));

    private string NoAnswer(string why) => $"no answer from Janus server '{_state.Server}': {why}";

    private void OnCreated(long janusSessionId, bool adopted)
    {
        Persist(new SessionCreated(janusSessionId, _state.Transport, adopted, _state.Server), e =>
        {
            _state = _state.Apply(e);
            var (_, replyTo) = _creation!.Value;
            _creation = null;
            _claimed = true;
            Log.Info(adopted ? "Adopted Janus session for {SessionKey} on {Server}" : "Created Janus session for {SessionKey} on {Server}", _key, _state.Server);
            BecomeActive(reclaimed: false);
            replyTo.Tell(Snapshot());
        });
    }

    private void FailCreation(Exception failure)
    {
        Log.Warning("Could not create session {SessionKey}: {Reason}", _key, failure.Message);
        _creation?.ReplyTo.Tell(new Status.Failure(failure));
        _creation = null;
        CancelPending();
        _registry.Tell(new SessionDiscarded(_key));
        Enter(SessionPhase.Discarded);
        StopSession();
    }
}
