using Akka.Actor;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

/// <summary>
/// What differs between one node and a cluster for the one <see cref="JanusSessionRegistry"/>: how a session's notices
/// reach its subscribers, whose sessions a list gathers, and what else readiness needs. Used on the registry's thread only.
/// </summary>
internal interface ISessionTopology
{
    /// <summary>
    /// Where the registry sends session commands: the node's <see cref="LocalSessionRegion"/>, or sharding's region.
    /// Both take the same messages, routed by <see cref="JanusSessionMessageExtractor"/>.
    /// </summary>
    IActorRef Region { get; }

    /// <summary>
    /// True when a session's actor that stopped can only come back on this node (one node: its region starts it again), so
    /// the registry keeps its last snapshot; false when it may come back on any node (sharding), so the registry forgets it.
    /// </summary>
    bool SessionsComeBackHere { get; }

    /// <summary>Adds a subscriber to a session's notices; completes once notices published from now on reach it.</summary>
    Task SubscribeAsync(string key, IActorRef subscriber);

    void Unsubscribe(string key, IActorRef subscriber);

    /// <summary>A notice from a session hosted on this node, for its subscribers wherever they are.</summary>
    void Publish(IJanusSessionNotice notice);

    /// <summary>
    /// News about the Janus servers (<see cref="ServerDrainChanged"/>, <see cref="ServerLoadReport"/>) for the registries
    /// of the other nodes; nothing to do on one node.
    /// </summary>
    void ShareWithOtherNodes(object news);

    /// <summary>What arrived for a session before its first subscriber, handed over once (see <see cref="UnheardEvents"/>).</summary>
    IEnumerable<IJanusSessionNotice> TakeUnheard(string key);

    /// <summary>A session hosted here is reclaiming: what arrives for it is kept for its first subscriber.</summary>
    void KeepUnheard(string key);

    /// <summary>Every session a list shows, given this node's.</summary>
    Task<SessionList> ListAsync(IReadOnlyList<JanusSessionInfo> hostedHere);

    /// <summary>Why this node may not take requests yet, apart from the start-up scan; null when nothing else stands in the way.</summary>
    string? NotReadyReason();

    /// <summary>Why commands are refused at once (a standby host, a node leaving its cluster); null when they are served.</summary>
    string? Refusal();

    /// <summary>A message of the topology's own (its timers); true when it was one.</summary>
    bool Receive(object message);

    /// <summary>A watched actor other than a session stopped: a subscriber, or sharding's region.</summary>
    void OnTerminated(IActorRef actor);
}
