using System.Collections.Immutable;
using Janus.Actors.Servers;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Sessions;

/// <summary>
/// What the journal says of one session, rebuilt from its events on recovery: its Janus id once created or adopted, and
/// <see cref="Ended"/> (<see cref="JanusSessionStatus.Lost"/> or <see cref="JanusSessionStatus.Destroyed"/>) once over, and
/// the Janus server it lives on. An ended session is forgotten (its events deleted) <see cref="JanusOptions.EndedSessionRetention"/>
/// after <see cref="EndedAt"/>; one ended before this was journaled (<see cref="EndedAt"/> null) is forgotten at once.
/// </summary>
internal sealed record PersistedSession(
    long? JanusSessionId,
    JanusTransportKind Transport,
    ImmutableSortedDictionary<long, JanusHandle> Handles,
    JanusSessionStatus? Ended,
    JanusSessionError? LastError,
    string Server = JanusServerSettings.DefaultName,
    DateTimeOffset? EndedAt = null)
{
    public static readonly PersistedSession Empty =
        new(null, JanusTransportKind.WebSocket, ImmutableSortedDictionary<long, JanusHandle>.Empty, null, null);

    /// <summary>Nothing persisted yet: no session was ever created or adopted under this key.</summary>
    public bool IsNew => JanusSessionId is null;

    public PersistedSession Apply(IJanusSessionEvent e) => e switch
    {
        SessionCreated c => this with { JanusSessionId = c.JanusSessionId, Transport = c.Transport, Server = c.Server },
        HandleAttached a => this with { Handles = Handles.SetItem(a.HandleId, new JanusHandle(a.HandleId, a.Plugin, a.OpaqueId)) },
        HandleDetached d => this with { Handles = Handles.Remove(d.HandleId) },
        HandleContextChanged c => Handles.TryGetValue(c.HandleId, out var handle) ? this with { Handles = Handles.SetItem(c.HandleId, handle with { Context = c.Context }) } : this,
        SessionLost l => this with { Ended = JanusSessionStatus.Lost, LastError = new JanusSessionError(l.Code, l.Reason), EndedAt = l.At },
        SessionDestroyed d => this with { Ended = JanusSessionStatus.Destroyed, Handles = Handles.Clear(), EndedAt = d.At },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown session event"),
    };
}
