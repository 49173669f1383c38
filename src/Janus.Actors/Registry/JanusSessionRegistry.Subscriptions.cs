using Akka.Actor;
using Janus.Actors.Sessions;

namespace Janus.Actors.Registry;

// Subscribers: who hears a session's notices, and what a late one is told first.
internal sealed partial class JanusSessionRegistry
{
    /// <summary>What a subscription learned of its session, back on the registry's thread.</summary>
    private sealed record SubscriptionRead(SubscribeToSession Command, IActorRef ReplyTo, object Read) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Subscribes first, then reads the session, so nothing published in between is missed. A session running here with
    /// its subscription in place at once (one node) is answered on the spot; otherwise the session is asked wherever it
    /// runs — an unknown key fails with <see cref="JanusSessionNotFoundException"/> and leaves no subscription behind.
    /// </summary>
    private void OnSubscribe(SubscribeToSession command)
    {
        if (RefusedNow(command)) return;
        var replyTo = Sender;
        var subscribed = _topology.SubscribeAsync(command.Key, command.Subscriber);
        if (subscribed.IsCompletedSuccessfully && _sessions.TryGet(command.Key, out var info))
        {
            FinishSubscribe(command, replyTo, info);
            return;
        }
        var (region, read, timeout) = (_topology.Region, new GetSession(command.Key), _askTimeout);
        ReadAfter(subscribed, () => ReadAsync(region, read, timeout))
            .PipeTo(Self, success: answer => new SubscriptionRead(command, replyTo, answer),
                failure: cause => new SubscriptionRead(command, replyTo, new Status.Failure(cause)));
    }

    private static async Task<object> ReadAfter(Task subscribed, Func<Task<object>> read)
    {
        await subscribed;
        return await read();
    }

    /// <summary>
    /// A late subscriber learns what it missed first (<see cref="LateSubscriber"/>): an ended session's
    /// <see cref="SessionEnded"/> completes its stream; otherwise what arrived for the session while nobody listened follows.
    /// </summary>
    private void FinishSubscribe(SubscribeToSession command, IActorRef replyTo, object read)
    {
        if (read is not JanusSessionInfo info)
        {
            _topology.Unsubscribe(command.Key, command.Subscriber);
            replyTo.Tell(read as Status.Failure ?? new Status.Failure(new JanusSessionNotFoundException(command.Key)));
            return;
        }
        replyTo.Tell(CommandDone.Instance);
        var first = LateSubscriber.FirstNotice(info);
        if (first is not null) command.Subscriber.Tell(first);
        if (first is SessionEnded)
        {
            _topology.Unsubscribe(command.Key, command.Subscriber);
            return;
        }
        foreach (var missed in _topology.TakeUnheard(command.Key)) command.Subscriber.Tell(missed);
    }
}
