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
/// The session was claimed again (after a crash or a lost connection). Janus drops events while no
/// transport owns a session, so events may have been missed: re-read plugin state where it matters.
/// Also the first notice of a subscription that starts after this process reclaimed the session.
/// </summary>
public sealed record SessionReclaimed(string Key) : IJanusSessionNotice
{
    public bool EventsMayHaveBeenMissed => true;
}

/// <summary>The session is over: destroyed, or lost with the Janus code and reason.</summary>
public sealed record SessionEnded(string Key, JanusSessionStatus State, JanusSessionError? Error) : IJanusSessionNotice;
