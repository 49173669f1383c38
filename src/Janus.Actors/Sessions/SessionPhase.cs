namespace Janus.Actors.Sessions;

/// <summary>
/// Where a session actor is in its life. Each phase has one behaviour (<c>JanusSessionActor.Behaviours.cs</c>) and shows
/// one <see cref="JanusSessionStatus"/>; the actor moves between them only through <c>Enter</c>, along
/// <see cref="SessionPhases.CanMove"/>.
/// </summary>
internal enum SessionPhase
{
    /// <summary>Replaying its journal.</summary>
    Recovering,

    /// <summary>Nothing persisted: waiting for a create or an adoption.</summary>
    Idle,

    /// <summary>Creating or adopting a Janus session, on one server after another when a placed create is refused.</summary>
    Creating,

    /// <summary>The create failed before anything was persisted: the key is free again; the actor stops.</summary>
    Discarded,

    /// <summary>Claiming its Janus id on a fresh transport, again after a backoff while Janus does not answer.</summary>
    Reclaiming,

    /// <summary>Recovered on a server the configuration no longer has: neither claimed nor ended while the node stops.</summary>
    Stranded,

    /// <summary>Claimed or created: requests flow, keep-alives run.</summary>
    Active,

    /// <summary>Janus no longer has the session (or it was unreachable for a whole reclaim window): ended.</summary>
    Lost,

    /// <summary>Destroyed on request: ended.</summary>
    Destroyed,
}

/// <summary>The rules of <see cref="SessionPhase"/>: what each shows, and which moves are legal.</summary>
internal static class SessionPhases
{
    /// <summary>What callers and subscribers see of a phase.</summary>
    public static JanusSessionStatus StatusOf(SessionPhase phase) => phase switch
    {
        SessionPhase.Recovering or SessionPhase.Idle or SessionPhase.Creating or SessionPhase.Discarded => JanusSessionStatus.Creating,
        SessionPhase.Reclaiming or SessionPhase.Stranded => JanusSessionStatus.Reclaiming,
        SessionPhase.Active => JanusSessionStatus.Active,
        SessionPhase.Lost => JanusSessionStatus.Lost,
        SessionPhase.Destroyed => JanusSessionStatus.Destroyed,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>
    /// The legal moves (a reclaim retried after its backoff enters Reclaiming again); anything else is a bug, and
    /// <c>Enter</c> throws rather than let a session show one status and behave as another.
    /// </summary>
    public static bool CanMove(SessionPhase from, SessionPhase to) => (from, to) switch
    {
        (SessionPhase.Recovering, SessionPhase.Idle or SessionPhase.Reclaiming or SessionPhase.Stranded or SessionPhase.Lost or SessionPhase.Destroyed) => true,
        (SessionPhase.Idle, SessionPhase.Creating) => true,
        (SessionPhase.Creating, SessionPhase.Active or SessionPhase.Discarded) => true,
        (SessionPhase.Reclaiming, SessionPhase.Reclaiming or SessionPhase.Active or SessionPhase.Lost) => true,
        (SessionPhase.Active, SessionPhase.Reclaiming or SessionPhase.Lost or SessionPhase.Destroyed) => true,
        _ => false,
    };
}
