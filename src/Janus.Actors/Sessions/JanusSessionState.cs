using System.Collections.Immutable;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Sessions;

/// <summary>Where a session's journal says it is.</summary>
public enum JanusSessionPhase
{
    /// <summary>Nothing persisted yet.</summary>
    New,
    /// <summary>Has a Janus session that should be kept alive.</summary>
    Live,
    Lost,
    Destroyed,
}

/// <summary>A plugin handle attached to a session.</summary>
public sealed record JanusHandle(long HandleId, string Plugin, string? OpaqueId);

/// <summary>A Janus error code (null when the failure was not an answer from Janus) and its reason.</summary>
public sealed record JanusSessionError(int? Code, string Reason);

/// <summary>The persisted state of one session, rebuilt from its events on recovery.</summary>
internal sealed record JanusSessionState(
    long? JanusSessionId,
    JanusTransportKind Transport,
    ImmutableSortedDictionary<long, JanusHandle> Handles,
    JanusSessionPhase Phase,
    JanusSessionError? LastError)
{
    public static readonly JanusSessionState Empty =
        new(null, JanusTransportKind.WebSocket, ImmutableSortedDictionary<long, JanusHandle>.Empty, JanusSessionPhase.New, null);

    public bool IsEnded => Phase is JanusSessionPhase.Lost or JanusSessionPhase.Destroyed;

    public JanusSessionState Apply(IJanusSessionEvent e) => e switch
    {
        SessionCreated c => this with { JanusSessionId = c.JanusSessionId, Transport = c.Transport, Phase = JanusSessionPhase.Live },
        HandleAttached a => this with { Handles = Handles.SetItem(a.HandleId, new JanusHandle(a.HandleId, a.Plugin, a.OpaqueId)) },
        HandleDetached d => this with { Handles = Handles.Remove(d.HandleId) },
        SessionLost l => this with { Phase = JanusSessionPhase.Lost, LastError = new JanusSessionError(l.Code, l.Reason) },
        SessionDestroyed => this with { Phase = JanusSessionPhase.Destroyed, Handles = Handles.Clear() },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown session event"),
    };
}
