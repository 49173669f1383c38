using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Sessions;

// Requests to Janus: each one declares its outcomes (success, error, no answer) where it is sent; replies find them by transaction.
internal sealed partial class JanusSessionActor
{
    /// <summary>
    /// One of the session's own requests (create, claim, keep-alive, info), with what each outcome does; <paramref name="unanswered"/>
    /// is told why there was no answer (none in time, or the transport could not deliver the request).
    /// </summary>
    private void Send(JanusRequest request, Action<JanusMessage> success, Action<JanusError> error, Action<string> unanswered) =>
        Send(request, Self, success, error, unanswered);

    private void Send(JanusRequest request, IActorRef replyTo, Action<JanusMessage> success, Action<JanusError> error, Action<string> unanswered)
    {
        var withCredentials = request with { ApiSecret = Server.Options.ApiSecret, Token = Server.Options.Token };
        var span = JanusTracing.StartRequest(request.Janus, _traceParent, _key, _state.Server, _state.Transport.ToName());
        _pending.Add(new PendingRequest(withCredentials, replyTo, reply =>
            {
                _lastAnswered = DateTimeOffset.UtcNow;
                span.End(null);
                success(reply);
            },
            answer =>
            {
                span.End($"{answer.Code} {answer.Reason}", answer.Code);
                error(answer);
            },
            why =>
            {
                span.End(why);
                unanswered(why);
            },
            span));
        Timers.StartSingleTimer(request.Transaction, new RequestTimedOut(request.Transaction), _options.RequestTimeout);
        if (HeldBack(request) is { } refusal) Self.Tell(new RequestHeldBack(request.Transaction, refusal));
        else Transport.Tell(new JanusTransportCommands.Send(withCredentials));
    }

    /// <summary>
    /// Why <paramref name="request"/> must not go to Janus now, or null. A fenced cluster node (<see cref="Servers.JanusServers.ClaimRefusal"/>)
    /// sends nothing that acts on a session — its new owner may hold it by now — but keep-alives and info; what was asked
    /// of it before its pause (a command in its mailbox, a create half done) fails unsent, as unanswered, with the reason.
    /// Found by the chaos soak's wire witness: a node woken from a 15 s freeze sent an attach 0.3 s after the session's new
    /// owner claimed it.
    /// </summary>
    private string? HeldBack(JanusRequest request) =>
        request.Janus is "keepalive" or "info" || _servers.ClaimRefusal() is not { } refusal ? null : $"{refusal}: ask another node";

    /// <summary>
    /// A caller's request on the active session. <paramref name="success"/> answers the caller; an error Janus gives is the
    /// caller's <see cref="JanusRequestException"/> unless <paramref name="handled"/> takes it (and a 458 also ends the
    /// session as lost); no answer in time is the caller's <see cref="JanusSessionUnavailableException"/>.
    /// </summary>
    private void SendForCaller(JanusRequest request, Action<IActorRef, JanusMessage> success, Func<IActorRef, JanusError, bool>? handled = null) =>
        SendFor(Sender, request, success, handled);

    private void SendFor(IActorRef caller, JanusRequest request, Action<IActorRef, JanusMessage> success, Func<IActorRef, JanusError, bool>? handled = null,
        Action? unanswered = null)
    {
        Send(request, caller,
            success: reply => success(caller, reply),
            error: error =>
            {
                if (handled?.Invoke(caller, error) == true) return;
                caller.Tell(new Status.Failure(new JanusRequestException(request.Janus, error.Code, error.Reason ?? "")));
                if (error.Code == (int)JanusErrorCode.SessionNotFound) EndAsGone(error.Code, error.Reason ?? "session not found");
            },
            unanswered: why =>
            {
                unanswered?.Invoke();
                caller.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, Status, why)));
            });
    }

    private string NotAnswered(string request) => $"{request} not answered within {_options.RequestTimeout}";

    /// <summary>A plugin message: a success, or an ack and then the plugin's event; either is the caller's answer.</summary>
    private void SendPluginMessage(SendPluginMessage command) =>
        SendForCaller(JanusRequests.Message(NextTransaction(), JanusId, command.HandleId, command.Body, command.Jsep), (caller, reply) =>
        {
            if (reply.Janus == JanusMessageKinds.Event) OnEvent(reply);
            LearnContext(command.HandleId, command.Body, reply.PluginData, () => caller.Tell(new PluginReply(reply.PluginData, reply.Jsep)));
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
                PollWhileHandles();
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

    /// <summary>
    /// A session Janus no longer knows (458) is as destroyed as one it destroyed; while the destroy is under way, a 458 that
    /// overtakes its answer (a REST long poll or keep-alive on another connection) is that destroy's doing, not a loss
    /// (<see cref="EndAsGone"/>). A REST session with handles detaches them
    /// first: each detach brings an event, which answers its long poll at once, and the poll is not sent again — a destroy
    /// alone would leave the poll holding one of Janus's HTTP connections for up to 30 s (seen on 1.1.2), which a stream of
    /// calls soon runs out of. A detach that fails changes nothing: the destroy takes the handles with it anyway.
    /// </summary>
    private void SendDestroy()
    {
        var caller = Sender;
        _destroying = true;
        if (_state.Transport != JanusTransportKind.Rest || _state.Handles.Count == 0)
        {
            SendDestroyFor(caller);
            return;
        }
        PollWhileHandles();
        var detaching = _state.Handles.Count;
        var trace = _traceParent;
        foreach (var handleId in _state.Handles.Keys)
            Send(JanusRequests.Detach(NextTransaction(), JanusId, handleId), caller, // a lost transport fails them for the caller
                success: _ => Detached(),
                error: _ => Detached(),
                unanswered: _ => Detached());

        void Detached()
        {
            if (--detaching > 0) return;
            _traceParent = trace; // the destroy joins the caller's trace too
            SendDestroyFor(caller);
        }
    }

    private void SendDestroyFor(IActorRef caller) =>
        SendFor(caller, JanusRequests.Destroy(NextTransaction(), JanusId),
            success: (replyTo, _) => EndAsDestroyed(replyTo),
            handled: (replyTo, error) =>
            {
                if (error.Code == (int)JanusErrorCode.SessionNotFound)
                {
                    EndAsDestroyed(replyTo);
                    return true;
                }
                StillAlive();
                return false;
            },
            unanswered: StillAlive);

    /// <summary>A destroy that failed leaves the session as it was: polling again if it still has handles.</summary>
    private void StillAlive()
    {
        if (!_destroying) return;
        _destroying = false;
        PollWhileHandles();
    }

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
        pending.OnUnanswered(NotAnswered(pending.Request.Janus));
    }

    /// <summary>A REST request that got no answer at all (refused, reset, an HTTP error): it fails now, not at its timeout.</summary>
    private void OnSendFailed(JanusTransportReports.SendFailed failed) => FailUnanswered(failed.Transaction, failed.Reason);

    /// <summary>A request that will get no answer (<paramref name="reason"/>): it fails now, not at its timeout.</summary>
    private void FailUnanswered(string transaction, string reason)
    {
        if (!_pending.TryGet(transaction, out var pending)) return;
        Complete(pending);
        pending.OnUnanswered(reason);
    }

    private void Complete(PendingRequest pending)
    {
        _pending.Remove(pending.Request.Transaction);
        Timers.Cancel(pending.Request.Transaction);
    }

    private void FailAllPending(Exception failure)
    {
        _destroying = false; // a destroy under way was among them: the session polls again once it is back
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
