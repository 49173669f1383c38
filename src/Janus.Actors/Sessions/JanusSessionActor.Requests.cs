using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Sessions;

// Requests to Janus: each one declares its outcomes (success, error, timeout) where it is sent; replies find them by transaction.
internal sealed partial class JanusSessionActor
{
    /// <summary>One of the session's own requests (create, claim, keep-alive, info), with what each outcome does.</summary>
    private void Send(JanusRequest request, Action<JanusMessage> success, Action<JanusError> error, Action timeout) =>
        Send(request, Self, success, error, timeout);

    private void Send(JanusRequest request, IActorRef replyTo, Action<JanusMessage> success, Action<JanusError> error, Action timeout)
    {
        var withCredentials = request with { ApiSecret = Server.Options.ApiSecret, Token = Server.Options.Token };
        _pending.Add(new PendingRequest(withCredentials, replyTo, reply =>
        {
            _lastAnswered = DateTimeOffset.UtcNow;
            success(reply);
        }, error, timeout));
        Timers.StartSingleTimer(request.Transaction, new RequestTimedOut(request.Transaction), _options.RequestTimeout);
        Transport.Tell(new JanusTransportCommands.Send(withCredentials));
    }

    /// <summary>
    /// A caller's request on the active session. <paramref name="success"/> answers the caller; an error Janus gives is the
    /// caller's <see cref="JanusRequestException"/> unless <paramref name="handled"/> takes it (and a 458 also ends the
    /// session as lost); no answer in time is the caller's <see cref="JanusSessionUnavailableException"/>.
    /// </summary>
    private void SendForCaller(JanusRequest request, Action<IActorRef, JanusMessage> success, Func<IActorRef, JanusError, bool>? handled = null)
    {
        var caller = Sender;
        Send(request, caller,
            success: reply => success(caller, reply),
            error: error =>
            {
                if (handled?.Invoke(caller, error) == true) return;
                caller.Tell(new Status.Failure(new JanusRequestException(request.Janus, error.Code, error.Reason ?? "")));
                if (error.Code == (int)JanusErrorCode.SessionNotFound) EndAsLost(error.Code, error.Reason ?? "session not found");
            },
            timeout: () => caller.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, _status, NotAnswered(request.Janus)))));
    }

    private string NotAnswered(string request) => $"{request} not answered within {_options.RequestTimeout}";

    /// <summary>A plugin message: a success, or an ack and then the plugin's event; either is the caller's answer.</summary>
    private void SendPluginMessage(SendPluginMessage command) =>
        SendForCaller(JanusRequests.Message(NextTransaction(), JanusId, command.HandleId, command.Body, command.Jsep), (caller, reply) =>
        {
            if (reply.Janus == JanusMessageKinds.Event) OnEvent(reply);
            caller.Tell(new PluginReply(reply.PluginData, reply.Jsep));
        });

    private void SendAttach(AttachHandle command) =>
        SendForCaller(JanusRequests.Attach(NextTransaction(), JanusId, command.Plugin, command.OpaqueId), (caller, reply) =>
        {
            if (reply.Data is not { } handle)
            {
                caller.Tell(new Status.Failure(new JanusRequestException("attach", (int)JanusErrorCode.Unknown, "attach answered without a handle id")));
                return;
            }
            PersistFor(caller, new HandleAttached(handle.Id, command.Plugin, command.OpaqueId), e =>
            {
                _state = _state.Apply(e);
                ReportChanged();
                caller.Tell(new HandleAttachedReply(handle.Id));
            });
        });

    /// <summary>A handle Janus no longer knows (459) is as detached as one it detached.</summary>
    private void SendDetach(DetachHandle command) =>
        SendForCaller(JanusRequests.Detach(NextTransaction(), JanusId, command.HandleId),
            success: (caller, _) => PersistDetached(command.HandleId, caller),
            handled: (caller, error) =>
            {
                if (error.Code != (int)JanusErrorCode.HandleNotFound) return false;
                PersistDetached(command.HandleId, caller);
                return true;
            });

    /// <summary>A session Janus no longer knows (458) is as destroyed as one it destroyed.</summary>
    private void SendDestroy() =>
        SendForCaller(JanusRequests.Destroy(NextTransaction(), JanusId),
            success: (caller, _) => EndAsDestroyed(caller),
            handled: (caller, error) =>
            {
                if (error.Code != (int)JanusErrorCode.SessionNotFound) return false;
                EndAsDestroyed(caller);
                return true;
            });

    private void SendDone(JanusRequest request) => SendForCaller(request, (caller, _) => caller.Tell(CommandDone.Instance));

    private void OnReceived(JanusMessage message)
    {
        if (_pending.TryGet(message.Transaction, out var pending) && !IsLateEvent(message, pending))
        {
            OnReply(pending, message);
            return;
        }

        if (JanusMessageKinds.IsEvent(message.Janus))
        {
            OnEvent(message);
            return;
        }

        if (_pending.IsLateAck(message)) return;

        var reason = message.Janus is JanusMessageKinds.Success or JanusMessageKinds.Ack or JanusMessageKinds.Error or JanusMessageKinds.ServerInfo
            ? "unknown-transaction"
            : "unexpected-type";
        JanusMetrics.InboundRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Log.Warning("Ignored {Kind} from Janus for {SessionKey}: {Reason}", message.Janus, _key, reason);
    }

    /// <summary>Only a plugin message waits for an event; any other event carrying its transaction is just an event.</summary>
    private static bool IsLateEvent(JanusMessage message, PendingRequest pending) =>
        JanusMessageKinds.IsEvent(message.Janus) && !(pending.AwaitsPluginEvent && message.Janus == JanusMessageKinds.Event);

    private void OnReply(PendingRequest pending, JanusMessage reply)
    {
        if (pending.AwaitsPluginEvent && reply.Janus == JanusMessageKinds.Ack)
        {
            pending.Acked = true; // the plugin's answer follows as an event with the same transaction
            return;
        }

        Complete(pending);
        if (pending.AwaitsPluginEvent && reply.Janus == JanusMessageKinds.Event && !pending.Acked)
            _pending.ExpectLateAck(pending.Request.Transaction);
        if (reply.Janus == JanusMessageKinds.Error)
            pending.OnError(reply.Error ?? new JanusError((int)JanusErrorCode.Unknown, "error without details"));
        else
            pending.OnSuccess(reply);
    }

    private void OnRequestTimedOut(RequestTimedOut timeout)
    {
        if (!_pending.TryGet(timeout.Transaction, out var pending)) return;
        Complete(pending);
        pending.OnTimeout();
    }

    private void Complete(PendingRequest pending)
    {
        _pending.Remove(pending.Request.Transaction);
        Timers.Cancel(pending.Request.Transaction);
    }

    private void FailAllPending(Exception failure)
    {
        foreach (var pending in CancelPending())
            if (!pending.ReplyTo.Equals(Self)) pending.ReplyTo.Tell(new Status.Failure(failure));
    }

    /// <summary>Forgets every request in flight and its timer; returns them, for their callers to be told.</summary>
    private IReadOnlyList<PendingRequest> CancelPending()
    {
        var all = _pending.Drain();
        foreach (var pending in all) Timers.Cancel(pending.Request.Transaction);
        return all;
    }
}
