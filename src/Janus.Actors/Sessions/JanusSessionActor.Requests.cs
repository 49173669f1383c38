using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Sessions;

// Requests to Janus and their outcomes: replies, errors and timeouts, matched by transaction.
internal sealed partial class JanusSessionActor
{
    private void SendRequest(PendingKind kind, JanusRequest request) => Send(kind, request, Sender);

    private void Send(PendingKind kind, JanusRequest request, IActorRef replyTo)
    {
        var withCredentials = request with { ApiSecret = _options.ApiSecret, Token = _options.Token };
        _pending.Add(new PendingRequest(kind, withCredentials, replyTo, DateTimeOffset.UtcNow));
        Timers.StartSingleTimer(request.Transaction, new RequestTimedOut(request.Transaction), _options.RequestTimeout);
        Transport.Tell(new JanusTransportCommands.Send(withCredentials));
    }

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
        JanusMessageKinds.IsEvent(message.Janus) && !(pending.Kind == PendingKind.PluginMessage && message.Janus == JanusMessageKinds.Event);

    private void OnReply(PendingRequest pending, JanusMessage reply)
    {
        if (reply.Janus == JanusMessageKinds.Ack && pending.Kind == PendingKind.PluginMessage)
        {
            pending.Acked = true; // the plugin's answer follows as an event with the same transaction
            return;
        }

        Complete(pending);
        if (reply.Janus == JanusMessageKinds.Error)
            OnErrorReply(pending, reply.Error ?? new JanusError((int)JanusErrorCode.Unknown, "error without details"));
        else
            OnSuccessReply(pending, reply);
    }

    private void OnSuccessReply(PendingRequest pending, JanusMessage reply)
    {
        switch (pending.Kind)
        {
            case PendingKind.Create when reply.Data is { } data:
                OnCreated(data.Id, adopted: false);
                break;
            case PendingKind.Create:
                FailCreation(new JanusRequestException("create", (int)JanusErrorCode.Unknown, "create answered without a session id"));
                break;
            case PendingKind.Adopt:
                OnCreated(pending.Request.SessionId!.Value, adopted: true);
                break;
            case PendingKind.Claim:
                OnClaimed();
                break;
            case PendingKind.Info:
                OnServerInfo(reply);
                break;
            case PendingKind.KeepAlive:
                _unansweredKeepAlives = 0;
                JanusMetrics.KeepAliveRoundTrip.Record((DateTimeOffset.UtcNow - pending.SentAt).TotalSeconds);
                break;
            case PendingKind.Attach when reply.Data is { } handle:
                var plugin = pending.Request.Plugin!;
                PersistFor(pending.ReplyTo, new HandleAttached(handle.Id, plugin, pending.Request.OpaqueId), e =>
                {
                    _state = _state.Apply(e);
                    ReportChanged();
                    pending.ReplyTo.Tell(new HandleAttachedReply(handle.Id));
                });
                break;
            case PendingKind.PluginMessage:
                if (reply.Janus == JanusMessageKinds.Event) OnEvent(reply);
                if (reply.Janus == JanusMessageKinds.Event && !pending.Acked) _pending.ExpectLateAck(pending.Request.Transaction);
                pending.ReplyTo.Tell(new PluginReply(reply.PluginData, reply.Jsep));
                break;
            case PendingKind.Detach:
                PersistDetached(pending.Request.HandleId!.Value, pending.ReplyTo);
                break;
            case PendingKind.Destroy:
                EndAsDestroyed(pending.ReplyTo);
                break;
            default:
                pending.ReplyTo.Tell(CommandDone.Instance);
                break;
        }
    }

    private void OnErrorReply(PendingRequest pending, JanusError error)
    {
        switch (pending.Kind)
        {
            case PendingKind.Create:
                FailCreation(new JanusRequestException("create", error.Code, error.Reason ?? ""));
                break;
            case PendingKind.Adopt:
                JanusMetrics.Claims.Add(1, new("outcome", "failed"), new("code", error.Code));
                FailCreation(new JanusSessionReclaimException(_key, pending.Request.SessionId!.Value, error.Code, error.Reason ?? ""));
                break;
            case PendingKind.Claim:
                FailReclaim(error, error.Reason ?? "");
                break;
            case PendingKind.Info:
                Log.Warning("Janus refused info for {SessionKey}: {Code} {Reason}", _key, error.Code, error.Reason);
                break;
            case PendingKind.KeepAlive when error.Code == (int)JanusErrorCode.SessionNotFound:
                EndAsLost(error.Code, error.Reason ?? "session not found", throwFinal: false);
                break;
            case PendingKind.KeepAlive:
                Log.Warning("Keep-alive of {SessionKey} refused: {Code} {Reason}", _key, error.Code, error.Reason);
                break;
            case PendingKind.Destroy when error.Code == (int)JanusErrorCode.SessionNotFound:
                EndAsDestroyed(pending.ReplyTo);
                break;
            case PendingKind.Detach when error.Code == (int)JanusErrorCode.HandleNotFound:
                PersistDetached(pending.Request.HandleId!.Value, pending.ReplyTo);
                break;
            default:
                pending.ReplyTo.Tell(new Status.Failure(new JanusRequestException(pending.Request.Janus, error.Code, error.Reason ?? "")));
                if (error.Code == (int)JanusErrorCode.SessionNotFound)
                    EndAsLost(error.Code, error.Reason ?? "session not found", throwFinal: false);
                break;
        }
    }

    private void OnRequestTimedOut(RequestTimedOut timeout)
    {
        if (!_pending.TryGet(timeout.Transaction, out var pending)) return;
        Complete(pending);
        switch (pending.Kind)
        {
            case PendingKind.KeepAlive or PendingKind.Info:
                return; // counted by the keep-alive tick / retried on the next claim
            case PendingKind.Create or PendingKind.Adopt:
                FailCreation(pending.Kind == PendingKind.Adopt
                    ? new JanusSessionReclaimException(_key, pending.Request.SessionId!.Value, null, $"no answer from Janus within {_options.RequestTimeout}")
                    : new JanusSessionUnavailableException(_key, JanusSessionStatus.Creating, $"no answer from Janus within {_options.RequestTimeout}"));
                return;
            case PendingKind.Claim:
                FailReclaim(null, $"claim not answered within {_options.RequestTimeout}");
                return;
            default:
                pending.ReplyTo.Tell(new Status.Failure(new JanusSessionUnavailableException(_key, _status, $"{pending.Request.Janus} not answered within {_options.RequestTimeout}")));
                return;
        }
    }

    private void Complete(PendingRequest pending)
    {
        _pending.Remove(pending.Request.Transaction);
        Timers.Cancel(pending.Request.Transaction);
    }

    private void FailAllPending(Exception failure)
    {
        foreach (var pending in _pending.Drain())
        {
            Timers.Cancel(pending.Request.Transaction);
            if (!pending.ReplyTo.Equals(Self)) pending.ReplyTo.Tell(new Status.Failure(failure));
        }
    }
}
