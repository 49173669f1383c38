using Janus.Actors.Sessions;

namespace Janus.Actors.Registry;

/// <summary>What a subscriber that arrives after the fact is told first: the same rule on one node and in a cluster.</summary>
internal static class LateSubscriber
{
    /// <summary>
    /// A session that has ended answers with its <see cref="SessionEnded"/>, which completes the stream. After a crash
    /// the start-up reclaim usually completes before the application subscribes, so a session reclaimed by its current
    /// actor answers <see cref="SessionReclaimed"/> with what that reclaim found of its handles: events may have been missed.
    /// Anything else: nothing to tell.
    /// </summary>
    public static IJanusSessionNotice? FirstNotice(JanusSessionInfo info) => info switch
    {
        { State: JanusSessionStatus.Lost or JanusSessionStatus.Destroyed } => new SessionEnded(info.Key, info.State, info.LastError),
        { State: JanusSessionStatus.Active, Reclaims: > 0 } => new SessionReclaimed(info.Key) { Handles = info.LastResync ?? [] },
        _ => null,
    };
}
