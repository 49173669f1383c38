using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
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
        _state = _state with { Transport = command.Transport };
        Connect();
        Enter(JanusSessionStatus.Creating);
    }

    private void SendCreateOrAdopt()
    {
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
        error: error => FailCreation(new JanusRequestException("create", error.Code, error.Reason ?? "")),
        timeout: () => FailCreation(new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, NoAnswer)));

    /// <summary>Adopting an existing Janus session is claiming it; a refusal is the caller's <see cref="JanusSessionReclaimException"/>.</summary>
    private void SendAdopt(long janusSessionId) => Send(JanusRequests.Claim(NextTransaction(), janusSessionId),
        success: _ => OnCreated(janusSessionId, adopted: true),
        error: error =>
        {
            JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error.Code));
            FailCreation(new JanusSessionReclaimException(_key, janusSessionId, error.Code, error.Reason ?? ""));
        },
        timeout: () => FailCreation(new JanusSessionReclaimException(_key, janusSessionId, null, NoAnswer)));

    private string NoAnswer => $"no answer from Janus within {_options.RequestTimeout}";

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
