using Janus.Actors.Protocol;

namespace Janus.Actors.Sessions;

/// <summary>What subscribers of a session receive.</summary>
public interface IJanusSessionNotice
{
    string Key { get; }
}

/// <summary>An event from Janus for this session or one of its handles (<c>Sender</c> names the handle).</summary>
public sealed record JanusEventReceived(string Key, JanusMessage Event) : IJanusSessionNotice;

/// <summary>
/// The session was claimed again (after a crash or a lost connection). Janus drops events while no transport owns a
/// session, so events may have been missed; <see cref="Handles"/> says where each handle stands now (its plugin state, a
/// call that rang or an offer pushed during the gap, a handle Janus no longer has), read before this notice is sent.
/// The session is active (requests flow) from the claim; this notice, and the events that arrive after the claim, follow
/// the handles' reads. Also the first notice of a subscription that starts after this process reclaimed the session,
/// with the same <see cref="Handles"/>.
/// </summary>
public sealed record SessionReclaimed(string Key) : IJanusSessionNotice
{
    public bool EventsMayHaveBeenMissed => true;

    /// <summary>
    /// What the reclaim found of each handle, in handle id order: <see cref="HandleResynced"/> for every handle
    /// Janus still has, followed by <see cref="PendingOfferRecovered"/> when an offer or a call waits for an answer and by
    /// <see cref="RoomResynced"/> for a room member;
    /// <see cref="HandleGone"/>, or <see cref="HandleNotResynced"/> when it could not be read. Empty for a session without handles.
    /// </summary>
    public IReadOnlyList<HandleResync> Handles { get; init; } = [];
}

/// <summary>The session is over: destroyed, or lost with the Janus code and reason.</summary>
public sealed record SessionEnded(string Key, JanusSessionStatus State, JanusSessionError? Error) : IJanusSessionNotice;
