using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using Janus.Actors.Registry;
using PubSub = Akka.Cluster.Tools.PublishSubscribe;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Cluster;

/// <summary>
/// A cluster: sessions are sharded entities; notices travel by distributed pub-sub, one topic per session, so a
/// subscriber keeps its stream when its session moves to another node; a list asks every node's registry; an up member is
/// ready; a node that has handed its shards over while leaving refuses commands at once.
/// </summary>
internal sealed class ClusterSessionTopology(IActorContext registry, TimeSpan askTimeout, NodeFencing fencing) : ISessionTopology
{
    /// <summary>A cluster node's registry: sessions are sharded entities started by sharding, after this registry.</summary>
    public static Props RegistryProps(JanusOptions options, JanusServers servers, NodeFencing fencing, IJanusServerSelector? selector = null) =>
        Props.Create(() => new JanusSessionRegistry(options, servers, selector ?? new LeastLoadedServerSelector(), (context, _) =>
            Start(context, options.AskTimeout, fencing), false));

    /// <summary>Sharding's type name for sessions; the same on every node.</summary>
    public const string ShardTypeName = "janus-session";

    /// <summary>
    /// How long a list waits for each node. Short: a node that died a moment ago is still a member until it is found
    /// unreachable (seconds), and a list must not hang on it meanwhile.
    /// </summary>
    public static readonly TimeSpan NodeListTimeout = TimeSpan.FromSeconds(3);

    private readonly ActorSystem _system = registry.System;
    private readonly IActorRef _mediator = DistributedPubSub.Get(registry.System).Mediator;
    private readonly ILoggingAdapter _log = registry.GetLogger();
    private IActorRef? _region;
    private bool _leaving;

    /// <summary>
    /// Started after the registry (the entities' Props capture it), hence looked up on first use, and watched: once this
    /// node has handed its shards over and stopped its region (leaving the cluster), a request sent there would be
    /// dropped and its caller would wait for the whole ask timeout.
    /// </summary>
    public IActorRef Region
    {
        get
        {
            if (_region is null)
            {
                _region = ClusterSharding.Get(_system).ShardRegion(ShardTypeName);
                registry.Watch(_region);
            }
            return _region;
        }
    }

    public bool SessionsComeBackHere => false;

    /// <summary>The pub-sub topic the registries share their servers' drains and loads on.</summary>
    public const string ServersTopic = "janus-servers";

    /// <summary>The topology of a registry, subscribed to the other nodes' news about the servers.</summary>
    public static ClusterSessionTopology Start(IActorContext registry, TimeSpan askTimeout, NodeFencing fencing)
    {
        var topology = new ClusterSessionTopology(registry, askTimeout, fencing);
        topology._mediator.Tell(new PubSub.Subscribe(ServersTopic, registry.Self));
        return topology;
    }

    public void ShareWithOtherNodes(object news) => _mediator.Tell(new PubSub.Publish(ServersTopic, news));

    /// <summary>The pub-sub topic of one session's notices.</summary>
    public static string Topic(string key) => JanusSessionActor.PersistenceIdPrefix + key;

    public Task SubscribeAsync(string key, IActorRef subscriber) =>
        _mediator.Ask<PubSub.SubscribeAck>(new PubSub.Subscribe(Topic(key), subscriber), askTimeout);

    public void Unsubscribe(string key, IActorRef subscriber) => _mediator.Tell(new PubSub.Unsubscribe(Topic(key), subscriber));

    public void Publish(IJanusSessionNotice notice) => _mediator.Tell(new PubSub.Publish(Topic(notice.Key), notice));

    /// <summary>Nothing is kept: the node hosting a session cannot tell whether a subscriber on another node heard it.</summary>
    public IEnumerable<IJanusSessionNotice> TakeUnheard(string key) => [];

    public void KeepUnheard(string key) { }

    /// <summary>
    /// Every reachable member's sessions. A node that does not answer in time is left out (its sessions are being moved to
    /// the others if it is gone) and logged; a session seen on two nodes during a hand-over is shown once, active copy first.
    /// </summary>
    public async Task<SessionList> ListAsync(IReadOnlyList<JanusSessionInfo> hostedHere)
    {
        var (system, log, timeout) = (_system, _log, NodeListTimeout < askTimeout ? NodeListTimeout : askTimeout);
        var state = Akka.Cluster.Cluster.Get(system).State;
        var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
        var members = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Joining or MemberStatus.WeaklyUp)
            .Where(m => !state.Unreachable.Contains(m) && m.Address != self);
        var lists = await Task.WhenAll(members.Select(async member =>
        {
            try
            {
                var other = system.ActorSelection(new RootActorPath(member.Address) / "user" / JanusSessionRegistry.Name);
                return (await other.Ask<SessionList>(ListNodeSessions.Instance, timeout)).Sessions;
            }
            catch (Exception e)
            {
                log.Warning("Node {Node} did not list its sessions: {Reason}", member.Address, e.Message);
                return [];
            }
        }));
        return new SessionList(lists.Append(hostedHere)
            .SelectMany(sessions => sessions)
            .GroupBy(s => s.Key)
            .Select(copies => copies.OrderBy(s => s.State == JanusSessionStatus.Active ? 0 : 1).First())
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToList());
    }

    /// <summary>An up member that reaches a majority, and was not just paused, can be given sessions, and its API reaches every shard.</summary>
    public string? NotReadyReason() => fencing.Refusal();

    /// <summary>A node leaving, or fenced (<see cref="NodeFencing"/>), takes no command: ask another node.</summary>
    public string? Refusal() =>
        _leaving ? "this node is leaving the cluster: ask another node" : fencing.Refusal() is { } fenced ? $"{fenced}: ask another node" : null;

    /// <summary>The acknowledgement of the servers topic's subscription.</summary>
    public bool Receive(object message) => message is PubSub.SubscribeAck;

    public void OnTerminated(IActorRef actor)
    {
        if (actor.Equals(_region)) _leaving = true;
    }
}
