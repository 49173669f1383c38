using Akka.Actor;
using Akka.Event;
using Janus.Actors.Protocol;
using static Janus.Actors.Transports.JanusTransportCommands;
using static Janus.Actors.Transports.JanusTransportReports;

namespace Janus.Actors.Transports;

/// <summary>
/// A session's link to Janus's REST transport (<see cref="JanusOptions.RestUrl"/>). HTTP is stateless, so
/// <see cref="Connect"/> is answered at once. Each <see cref="Send"/> is a POST whose answer comes back as
/// <see cref="Received"/>; many may be in flight and answers are forwarded as they complete.
/// <see cref="StartPolling"/> runs a long-poll loop whose events are forwarded in Janus's order (keepalives dropped);
/// a new StartPolling replaces the loop, and when Janus no longer knows the session the loop ends with
/// <see cref="SessionGone"/>. Throws <see cref="JanusTransportException"/> when Janus cannot be reached, answers with an
/// HTTP error, or times out, and on a Send before <see cref="Connected"/>. Nothing survives a restart: after
/// Connected the parent sends StartPolling again.
/// </summary>
internal sealed class RestTransportActor : ReceiveActor
{
    private readonly JanusRestClient _janus;
    private readonly TimeSpan _drainWindow;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Cancels this incarnation's POSTs in PostStop. Their answers carry its token: after a restart (same ActorRef)
    // answers and cancellations of the previous incarnation's requests are ignored.
    private readonly CancellationTokenSource _lifetime = new();
    private LongPoll? _poll;

    public RestTransportActor(JanusOptions options)
    {
        _janus = new JanusRestClient(options, _log);
        _drainWindow = options.RestDrainWindow;
        Receive<Connect>(_ => OnConnect());
        Receive<Send>(send => throw JanusTransportFailure.NotConnected(JanusTransportKind.Rest, send));
        Receive<StartPolling>(start => throw JanusTransportFailure.NotConnected(JanusTransportKind.Rest, start));
        IgnoreStaleReports();
    }

    /// <summary>Props for a REST transport; throws at once when <see cref="JanusOptions.RestUrl"/> is missing.</summary>
    public static Props Props(JanusOptions options)
    {
        options.UrlFor(JanusTransportKind.Rest);
        return Akka.Actor.Props.Create(() => new RestTransportActor(options));
    }

    protected override void PostStop()
    {
        _lifetime.Cancel();
        _poll?.Cancellation.Cancel();
    }

    private void Ready()
    {
        Receive<Connect>(_ => Context.Parent.Tell(new Connected(JanusTransportKind.Rest)));
        Receive<Send>(send => Post(send.Request));
        Receive<Replied>(replied => replied.Lifetime == _lifetime.Token, replied =>
        {
            if (replied.Message is { } message)
                Context.Parent.Tell(new Received(message));
        });
        Receive<PostFailed>(failed => failed.Lifetime == _lifetime.Token, failed =>
            throw JanusTransportFailure.Create(JanusTransportKind.Rest, $"POST {failed.Request} to Janus failed", failed.Cause));
        Receive<StartPolling>(start => StartPolling(start.JanusSessionId));
        Receive<Drain>(drain => Drain(drain.JanusSessionId));
        Receive<DrainAnswered>(answered => answered.Lifetime == _lifetime.Token, answered => OnDrained(answered.JanusSessionId, answered.Answer));
        Receive<Polled>(polled => polled.Poll == _poll, polled => OnPolled(polled.Poll, polled.Answer));
        Receive<PollFailed>(failed => failed.Poll == _poll, failed =>
            throw JanusTransportFailure.Create(JanusTransportKind.Rest, "Long poll of Janus failed", failed.Cause));
        IgnoreStaleReports();
    }

    // Answers and cancellations of a replaced poll or of a previous incarnation's requests.
    private void IgnoreStaleReports() => Receive<HttpReport>(_ => { });

    private void OnConnect()
    {
        Context.Parent.Tell(new Connected(JanusTransportKind.Rest));
        Become(Ready);
    }

    private void Post(JanusRequest request)
    {
        var lifetime = _lifetime.Token;
        _janus.PostAsync(request, lifetime).PipeTo(
            Self,
            success: answer => new Replied(lifetime, answer),
            failure: cause => new PostFailed(lifetime, request, cause));
    }

    private void StartPolling(long janusSessionId)
    {
        _poll?.Cancellation.Cancel();
        _poll = new LongPoll(janusSessionId);
        Poll(_poll);
    }

    private void Drain(long janusSessionId)
    {
        var lifetime = _lifetime.Token;
        _janus.DrainAsync(janusSessionId, _drainWindow, lifetime).PipeTo(
            Self,
            success: answer => new DrainAnswered(lifetime, janusSessionId, answer),
            failure: cause => new PollFailed(null, cause));
    }

    private void OnDrained(long janusSessionId, LongPollAnswer answer)
    {
        switch (answer)
        {
            case LongPollAnswer.Events events:
                if (events.Messages.Count > 0)
                    _log.Info("{Count} events Janus kept for the session while it had no poller", events.Messages.Count);
                foreach (var message in events.Messages)
                    Context.Parent.Tell(new Received(message));
                Context.Parent.Tell(new Drained(janusSessionId));
                break;
            case LongPollAnswer.Gone gone:
                Context.Parent.Tell(new SessionGone(janusSessionId, gone.Code, gone.Reason));
                break;
        }
    }

    private void Poll(LongPoll poll) =>
        _janus.PollAsync(poll.JanusSessionId, poll.Cancellation.Token).PipeTo(
            Self,
            success: answer => new Polled(poll, answer),
            failure: cause => new PollFailed(poll, cause));

    private void OnPolled(LongPoll poll, LongPollAnswer answer)
    {
        switch (answer)
        {
            case LongPollAnswer.Events events:
                foreach (var message in events.Messages)
                    Context.Parent.Tell(new Received(message));
                Poll(poll);
                break;
            case LongPollAnswer.Gone gone:
                _log.Info("Stopped long-polling: {Reason} ({JanusCode})", gone.Reason, gone.Code);
                Context.Parent.Tell(new SessionGone(poll.JanusSessionId, gone.Code, gone.Reason));
                _poll = null;
                break;
        }
    }

    /// <summary>One long-poll loop; replaced loops are cancelled and whatever they still report is ignored.</summary>
    private sealed class LongPoll(long janusSessionId)
    {
        public long JanusSessionId { get; } = janusSessionId;
        public CancellationTokenSource Cancellation { get; } = new();
    }

    /// <summary>
    /// What an HTTP call tells the actor when it completes. Not logged as a dead letter: calls that complete after
    /// the actor stopped are expected. Local to this actor (tokens, exceptions): never serialized.
    /// </summary>
    private abstract record HttpReport : IDeadLetterSuppression, INoSerializationVerificationNeeded;

    /// <summary>Janus's answer to a POST; null when it was dropped (already logged and counted).</summary>
    private sealed record Replied(CancellationToken Lifetime, JanusMessage? Message) : HttpReport;

    private sealed record PostFailed(CancellationToken Lifetime, JanusRequest Request, Exception Cause) : HttpReport;

    private sealed record Polled(LongPoll Poll, LongPollAnswer Answer) : HttpReport;

    /// <summary>A long poll failed; <see cref="Poll"/> is null for a drain's.</summary>
    private sealed record PollFailed(LongPoll? Poll, Exception Cause) : HttpReport;

    private sealed record DrainAnswered(CancellationToken Lifetime, long JanusSessionId, LongPollAnswer Answer) : HttpReport;
}
