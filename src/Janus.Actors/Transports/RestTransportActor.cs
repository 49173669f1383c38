using Akka.Actor;
using Akka.Event;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportReports;

namespace Janus.Actors.Transports;

/// <summary>
/// A REST session's link to its Janus server's HTTP transport, for the life of the session's actor (reclaims included). HTTP
/// is stateless, so <see cref="Connect"/> is answered at once. Each <see cref="Send"/> is a POST on the server's request lane
/// (<see cref="JanusRestConnections"/>) whose answer comes back as <see cref="Received"/>, or as <see cref="SendFailed"/>
/// when Janus could not be reached, answered with an HTTP error, or did not answer in time: the request fails, the link
/// stays. <see cref="StartPolling"/> long-polls the session's events on the poll lane and forwards them in Janus's order
/// (keepalives dropped) until <see cref="StopPolling"/>; a poll that fails is sent again after a backoff, and one that finds
/// no session ends the loop with <see cref="SessionGone"/>. A long poll is never cancelled: whatever it brings, whenever it
/// comes back, is forwarded (see <see cref="JanusRestConnections"/>). While the node must not claim sessions (a fenced
/// cluster node) no poll is sent: Janus gives a session's events to whichever poll is out, and the session may have a new
/// owner — found by the chaos soak's wire witness, a node woken from a 39 s freeze long-polled its re-homed sessions.
/// </summary>
internal sealed class RestTransportActor : ReceiveActor, IWithTimers
{
    private const string RetryPollTimer = "retry-poll";
    private const string DrainWindowTimer = "drain-window";

    /// <summary>How soon a fenced node looks again whether it may poll (it is usually downed and gone before).</summary>
    private static readonly TimeSpan FencedPollRetry = TimeSpan.FromSeconds(1);

    private readonly JanusRestClient _janus;
    private readonly JanusRestConnections _connections;
    private readonly JanusOptions _options;
    private readonly ReclaimBackoff _backoff;
    private readonly Func<string?> _refusal;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Tags this incarnation's HTTP calls: after a restart (same ActorRef) what the previous one's calls bring is ignored.
    private readonly object _incarnation = new();
    private long? _polling; // the Janus session whose events the loop fetches; null when the loop is not wanted
    private bool _loopPollOut; // the loop's long poll is out
    private int _pollFailures;
    private bool _deadPollAssumed;
    private bool _heldBack; // the loop's poll waits for the node to be allowed to act
    private DrainRun? _draining; // the drain whose Drained has not been said yet

    public RestTransportActor(JanusOptions options, JanusRestConnections connections, Func<string?> refusal)
    {
        _options = options;
        _connections = connections;
        _refusal = refusal;
        _janus = new JanusRestClient(options, connections, _log);
        _backoff = new ReclaimBackoff(options.MinReclaimBackoff, options.MaxReclaimBackoff);
        Receive<Connect>(_ => OnConnect());
        Receive<Send>(send => throw JanusTransportFailure.NotConnected(JanusTransportKind.Rest, send));
        Receive<StartPolling>(start => throw JanusTransportFailure.NotConnected(JanusTransportKind.Rest, start));
        Receive<ConnectionLost>(_ => { }); // its session is not using it yet
        IgnoreStaleReports();
    }

    /// <summary>
    /// Props for a REST transport that long-polls only while <paramref name="refusal"/> says nothing; throws at once when
    /// <see cref="JanusOptions.RestUrl"/> is missing.
    /// </summary>
    public static Props Props(JanusOptions options, JanusRestConnections connections, Func<string?> refusal)
    {
        options.UrlFor(JanusTransportKind.Rest);
        return Akka.Actor.Props.Create(() => new RestTransportActor(options, connections, refusal));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => _connections.SessionStarted(Self);

    protected override void PostStop() => _connections.SessionStopped(Self);

    private void Ready()
    {
        Receive<Connect>(_ => Context.Parent.Tell(new Connected(JanusTransportKind.Rest)));
        Receive<Send>(send => Post(send.Request));
        Receive<Replied>(replied => replied.Incarnation == _incarnation, replied =>
        {
            if (replied.Message is { } message)
                Context.Parent.Tell(new Received(message));
        });
        Receive<PostFailed>(failed => failed.Incarnation == _incarnation, failed =>
        {
            // No answer in time is the session's own request timeout to tell (it runs as long), and no sign Janus is gone:
            // the request may have waited its turn for one of the server's connections.
            if (failed.Cause is TimeoutException) return;
            var (why, unreachable) = JanusTransportFailure.RestCallFailed(failed.Cause);
            var reason = $"POST {failed.Request} to Janus failed: {why}";
            _log.Debug("{Reason}", reason);
            Context.Parent.Tell(new SendFailed(failed.Request.Transaction, reason, unreachable));
            if (unreachable) _connections.Unreachable(reason);
        });
        Receive<ConnectionLost>(lost => Context.Parent.Tell(lost)); // the server, from its connections
        Receive<StartPolling>(start => StartPolling(start.JanusSessionId));
        Receive<StopPolling>(_ => _polling = null);
        Receive<RetryPoll>(_ => PollIfWanted());
        Receive<Drain>(StartDrain);
        Receive<DrainWindowLapsed>(lapsed =>
        {
            if (ReferenceEquals(lapsed.Drain, _draining)) EndDrain();
        });
        Receive<Polled>(polled => polled.Incarnation == _incarnation, OnPolled);
        Receive<PollFailed>(failed => failed.Incarnation == _incarnation, OnPollFailed);
        IgnoreStaleReports();
    }

    // What the calls of a previous incarnation bring.
    private void IgnoreStaleReports() => Receive<HttpReport>(_ => { });

    private void OnConnect()
    {
        Context.Parent.Tell(new Connected(JanusTransportKind.Rest));
        Become(Ready);
    }

    private void Post(JanusRequest request)
    {
        var incarnation = _incarnation;
        _janus.PostAsync(request).PipeTo(
            Self,
            success: answer => new Replied(incarnation, answer),
            failure: cause => new PostFailed(incarnation, request, cause));
    }

    private void StartPolling(long janusSessionId)
    {
        _polling = janusSessionId;
        PollIfWanted();
    }

    private void PollIfWanted()
    {
        if (_polling is not { } id || _loopPollOut) return;
        if (_refusal() is { } refusal)
        {
            if (!_heldBack) _log.Debug("Long poll of Janus session {0} held back: {1}", id, refusal);
            _heldBack = true;
            Timers.StartSingleTimer(RetryPollTimer, RetryPoll.Instance, FencedPollRetry);
            return;
        }
        _heldBack = false;
        _loopPollOut = true;
        Poll(id, drain: null);
    }

    private void Poll(long janusSessionId, DrainRun? drain)
    {
        var incarnation = _incarnation;
        _janus.PollAsync(janusSessionId).PipeTo(
            Self,
            success: answer => new Polled(incarnation, janusSessionId, drain, answer),
            failure: cause => new PollFailed(incarnation, janusSessionId, drain, cause));
    }

    /// <summary>
    /// A session recovered after a crash fetches what Janus queued for it while no process polled, before it claims (a REST
    /// claim gives the session a new, empty queue). Only with a connection to spare (<see cref="JanusRestConnections.TryStartDrain"/>);
    /// otherwise, or once the window has passed without an answer, it is told <see cref="Drained"/> at once. The drain's poll
    /// is not cancelled at the window: it comes back when Janus answers it, and what it brings is forwarded.
    /// </summary>
    private void StartDrain(Drain command)
    {
        if (!_deadPollAssumed)
        {
            _connections.AssumeDeadPoll();
            _deadPollAssumed = true;
        }
        if (!_connections.TryStartDrain())
        {
            Context.Parent.Tell(new Drained(command.JanusSessionId));
            return;
        }
        var drain = _draining = new DrainRun(command.JanusSessionId);
        Timers.StartSingleTimer(DrainWindowTimer, new DrainWindowLapsed(drain), _options.RestDrainWindow);
        Poll(drain.JanusSessionId, drain);
    }

    private void EndDrain()
    {
        Timers.Cancel(DrainWindowTimer);
        Context.Parent.Tell(new Drained(_draining!.JanusSessionId));
        _draining = null;
    }

    private void OnPolled(Polled polled)
    {
        if (polled.Drain is { } drain)
        {
            OnDrainPolled(drain, polled.Answer);
            return;
        }
        _loopPollOut = false;
        switch (polled.Answer)
        {
            case LongPollAnswer.Events events:
                Forward(events);
                break;
            case LongPollAnswer.Gone gone:
                _log.Info("Stopped long-polling: {Reason} ({JanusCode})", gone.Reason, gone.Code);
                _polling = null;
                Context.Parent.Tell(new SessionGone(polled.JanusSessionId, gone.Code, gone.Reason));
                break;
        }
        _pollFailures = 0;
        PollIfWanted();
    }

    /// <summary>
    /// A drain's poll came back, inside its window (it goes on while full batches come) or after it (the session has claimed
    /// since: events are forwarded, a missing session is left to the claim to tell).
    /// </summary>
    private void OnDrainPolled(DrainRun drain, LongPollAnswer answer)
    {
        var inWindow = ReferenceEquals(drain, _draining);
        switch (answer)
        {
            case LongPollAnswer.Events events:
                if (events.Messages.Count > 0)
                    _log.Info("{Count} events Janus kept for the session while it had no poller", events.Messages.Count);
                Forward(events);
                if (inWindow && events.Polled >= _options.LongPollMaxEvents)
                {
                    Poll(drain.JanusSessionId, drain); // more may be queued; on the same connection of the budget
                    return;
                }
                if (inWindow) EndDrain();
                break;
            case LongPollAnswer.Gone gone when inWindow:
                Timers.Cancel(DrainWindowTimer);
                _draining = null;
                Context.Parent.Tell(new SessionGone(drain.JanusSessionId, gone.Code, gone.Reason));
                break;
        }
        _connections.DrainDone();
    }

    private void Forward(LongPollAnswer.Events events)
    {
        foreach (var message in events.Messages)
            Context.Parent.Tell(new Received(message));
    }

    private void OnPollFailed(PollFailed failed)
    {
        var (reason, unreachable) = JanusTransportFailure.RestCallFailed(failed.Cause);
        if (failed.Drain is { } drain)
        {
            // Nothing could be drained: the claim that follows finds out whether Janus is there.
            _log.Debug("Drain of the session failed: {Reason}", reason);
            _connections.DrainDone();
            if (ReferenceEquals(drain, _draining)) EndDrain();
            return;
        }
        _loopPollOut = false;
        if (unreachable) _connections.Unreachable(reason);
        var delay = _backoff.DelayFor(++_pollFailures);
        _log.Debug("Long poll failed ({Reason}): polling again in {Delay}", reason, delay);
        Timers.StartSingleTimer(RetryPollTimer, RetryPoll.Instance, delay);
    }

    /// <summary>
    /// What an HTTP call tells the actor when it completes. Not logged as a dead letter: calls that complete after the actor
    /// stopped are expected (they are never cancelled). Local to this actor (exceptions): never serialized.
    /// </summary>
    private abstract record HttpReport : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    /// <summary>Janus's answer to a POST; null when it was dropped (already logged and counted).</summary>
    private sealed record Replied(object Incarnation, JanusMessage? Message) : HttpReport;

    private sealed record PostFailed(object Incarnation, JanusRequest Request, Exception Cause) : HttpReport;

    /// <summary>A long poll came back; <paramref name="Drain"/> is set for a drain's.</summary>
    private sealed record Polled(object Incarnation, long JanusSessionId, DrainRun? Drain, LongPollAnswer Answer) : HttpReport;

    private sealed record PollFailed(object Incarnation, long JanusSessionId, DrainRun? Drain, Exception Cause) : HttpReport;

    /// <summary>One drain; compared by reference, as a session may drain again after a failed claim.</summary>
    private sealed class DrainRun(long janusSessionId)
    {
        public long JanusSessionId { get; } = janusSessionId;
    }

    private sealed record DrainWindowLapsed(DrainRun Drain) : INoSerializationVerificationNeeded;

    private sealed record RetryPoll : INoSerializationVerificationNeeded
    {
        public static readonly RetryPoll Instance = new();
    }
}
