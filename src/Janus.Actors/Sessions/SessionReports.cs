using Akka.Actor;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>
/// What a session tells its node's registry, and the registry's answers to it: local to the node, never serialized, not
/// even by serialize-messages. The registry (<c>Registry.JanusSessionRegistry</c>) reads them; a session knows nothing
/// of the registry beyond the actor it reports to.
/// </summary>
internal static class SessionReports
{
    /// <summary>A session's new snapshot (state, handles, last error).</summary>
    internal sealed record SessionChanged(JanusSessionInfo Info) : INoSerializationVerificationNeeded;

    /// <summary>A notice to fan out to the session's subscribers.</summary>
    internal sealed record Publish(IJanusSessionNotice Notice) : INoSerializationVerificationNeeded;

    /// <summary>A create or adoption failed before anything was persisted: the key is free again.</summary>
    internal sealed record SessionDiscarded(string Key) : INoSerializationVerificationNeeded;

    /// <summary>An ended session's retention passed and its events are deleted: it is stopping, and its key is free.</summary>
    internal sealed record SessionForgotten(string Key) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The stop message of an ended session's <c>Passivate</c>, on one node (<c>Registry.LocalSessionRegion</c>) as in a
    /// cluster (sharding): its region holds new requests for it, sends this behind whatever the session already has, and
    /// starts it again if requests arrived meanwhile.
    /// </summary>
    internal sealed record StopEndedSession : INoSerializationVerificationNeeded
    {
        public static readonly StopEndedSession Instance = new();
    }

    /// <summary>
    /// From a session created without a named server: where should it live? Answered with <see cref="SessionPlaced"/>;
    /// asked again, with the servers already <paramref name="Tried"/>, when one refused (472) or could not be reached.
    /// </summary>
    internal sealed record PlaceSession(string Key, JanusTransportKind Transport, string? Zone, IReadOnlyList<string> Tried)
        : INoSerializationVerificationNeeded;

    /// <summary>The server chosen for a <see cref="PlaceSession"/>, or why none can take it.</summary>
    internal sealed record SessionPlaced(string? Server, string? Refusal) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From a session created on the server its create named: it counts there from now, as a placed one does, until it
    /// reports or fails. Told to the registry of the node the session lives on, which is the one that hears its end.
    /// </summary>
    internal sealed record CreatingOn(string Key, string Server, JanusTransportKind Transport) : INoSerializationVerificationNeeded;
}
