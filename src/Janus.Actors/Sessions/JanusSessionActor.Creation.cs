using Akka.Actor;
using Akka.Event;
using Janus.Actors.Protocol;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Sessions;

// Create or adopt: the first transport, then create (or claim an adoptee), then persist.
internal sealed partial class JanusSessionActor
{
    private void StartCreation(CreateSession command)
    {
        _creation = (command, Sender);
        _status = JanusSessionStatus.Creating;
        _state = _state with { Transport = command.Transport };
        Connect();
        Become(Creating);
    }

    private void SendCreateOrAdopt()
    {
        var (command, _) = _creation!.Value;
        if (command.AdoptJanusSessionId is { } id)
            Send(PendingKind.Adopt, JanusRequests.Claim(NextTransaction(), id), Self);
        else
            Send(PendingKind.Create, JanusRequests.Create(NextTransaction()), Self);
    }

    private void OnCreated(long janusSessionId, bool adopted)
    {
        Persist(new SessionCreated(janusSessionId, _state.Transport, adopted), e =>
        {
            _state = _state.Apply(e);
            var (_, replyTo) = _creation!.Value;
            _creation = null;
            Log.Info(adopted ? "Adopted Janus session for {SessionKey}" : "Created Janus session for {SessionKey}", _key);
            BecomeActive(reclaimed: false);
            replyTo.Tell(Snapshot());
        });
    }

    private void FailCreation(Exception failure)
    {
        Log.Warning("Could not create session {SessionKey}: {Reason}", _key, failure.Message);
        _creation?.ReplyTo.Tell(new Status.Failure(failure));
        _creation = null;
        foreach (var pending in _pending.Drain()) Timers.Cancel(pending.Request.Transaction);
        _registry.Tell(new SessionDiscarded(_key));
        Become(Discarded);
        StopSession();
    }
}
