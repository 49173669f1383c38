using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using PubSub = Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Janus.Actors.Sessions;
using Janus.Actors.Supervision;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Cluster;

/// <summary>
/// The cluster-mode counterpart of <see cref="JanusSessionSupervisor"/>, one per node at <c>/user/janus-sessions</c>.
/// Sessions are sharded entities, so this actor is no one's parent. It is the façade's entry point — commands go
/// through the shard region to whichever node hosts the session, subscriptions and notices through distributed
/// pub-sub (so a subscriber keeps its stream when the session moves to another node), and a list asks every node —
/// and the registry of the sessions hosted on this node.
/// </summary>
internal sealed class ClusterSessionRegistry : ReceiveActor
{
    /// <summary>Sharding's type name for sessions; the same on every node.</summary>
    public const string ShardTypeName = "janus-session";

    /// <summary>Where every node runs this actor.</summary>
    public const string Name = "janus-sessions";

    /// <summary>
    /// How long a list waits for each node. Short: a node that died a moment ago is still a member until it is found
    /// unreachable (seconds), and a list must not hang on it meanwhile.
    /// </summary>
    public static readonly TimeSpan NodeListTimeout = TimeSpan.FromSeconds(3);

    /// <param name="askTimeout">How long a node may take to list its sessions, or a session to answer a subscription.</param>
    public static Props Props(TimeSpan askTimeout) => Akka.Actor.Props.Create(() => new ClusterSessionRegistry(askTimeout));

    private readonly TimeSpan _askTimeout;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SessionTable _sessions = new();
    private readonly Dictionary<IActorRef, string> _keyOfEntity = new();
    private readonly ReclaimTimeoutWarning _reclaimWarning;
    private readonly IActorRef _mediator = DistributedPubSub.Get(Context.System).Mediator;
    private IActorRef? _region;
    private bool _leaving;

    public ClusterSessionRegistry(TimeSpan askTimeout)
    {
        _askTimeout = askTimeout;
        _reclaimWarning = new ReclaimTimeoutWarning(_log);

        // From the façade on this node.
        Receive<ListSessions>(_ => ListClusterAsync().PipeTo(Sender));
        Receive<SubscribeToSession>(s => SubscribeAsync(s).PipeTo(Sender, success: () => CommandDone.Instance));
        Receive<UnsubscribeFromSession>(u => _mediator.Tell(new PubSub.Unsubscribe(Topic(u.Key), u.Subscriber)));
        Receive<IJanusSessionCommand>(OnCommand);

        // Sharding starts and recovers the entities; membership is what readiness checks in a cluster: an up member can
        // be given sessions and its API reaches every shard.
        Receive<GetReadiness>(_ => Sender.Tell(new Readiness(
            Akka.Cluster.Cluster.Get(Context.System).SelfMember.Status is var status && status == MemberStatus.Up
                ? null
                : $"this node is {status.ToString().ToLowerInvariant()} in the cluster, not up")));

        // From the registries of the other nodes.
        Receive<ListNodeSessions>(_ => Sender.Tell(new SessionList(_sessions.Sessions.ToList())));

        // From the sessions hosted on this node.
        Receive<SessionChanged>(OnSessionChanged);
        Receive<SessionRegistryProtocol.Publish>(p => _mediator.Tell(new PubSub.Publish(Topic(p.Notice.Key), p.Notice)));
        Receive<SessionDiscarded>(d => _sessions.Remove(d.Key));
        Receive<ServerInfoLearned>(_reclaimWarning.Check);
        Receive<Terminated>(t =>
        {
            if (_keyOfEntity.Remove(t.ActorRef, out var key)) _sessions.Remove(key);
            else if (t.ActorRef.Equals(_region)) _leaving = true;
        });
    }

    protected override void PreStart() => _sessions.Track();

    protected override void PostStop() => _sessions.Untrack();

    /// <summary>
    /// Started after this actor (the entities' Props capture it), hence looked up on first use, and watched: once this
    /// node has handed its shards over and stopped its region (leaving the cluster), a request sent there would be
    /// dropped and its caller would wait for the whole ask timeout.
    /// </summary>
    private IActorRef Region
    {
        get
        {
            if (_region is null)
            {
                _region = ClusterSharding.Get(Context.System).ShardRegion(ShardTypeName);
                Context.Watch(_region);
            }
            return _region;
        }
    }

    /// <summary>Through the shard region to the node hosting the session; refused at once while this node leaves.</summary>
    private void OnCommand(IJanusSessionCommand command)
    {
        var region = Region;
        if (_leaving)
            Sender.Tell(new Status.Failure(new JanusSessionUnavailableException(command.Key, JanusSessionStatus.Reclaiming,
                "this node is leaving the cluster: ask another node")));
        else if (command is GetSession read)
            ReadAsync(region, read, _askTimeout).PipeTo(Sender);
        else
            region.Forward(command);
    }

    /// <summary>
    /// Sharding delivers at most once: a request sent while its shard is being handed over to another node can be lost,
    /// and its caller would wait for the whole ask timeout. A read is safe to repeat, so it is asked again every
    /// <see cref="ReadRetryInterval"/> until <paramref name="total"/> has passed. Answers whatever the session answered
    /// (a <see cref="Status.Failure"/> included).
    /// </summary>
    private static async Task<object> ReadAsync(IActorRef region, GetSession read, TimeSpan total)
    {
        var deadline = DateTime.UtcNow + total;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                return await region.Ask(read, left < ReadRetryInterval ? left : ReadRetryInterval);
            }
            catch (AskTimeoutException) when (deadline - DateTime.UtcNow > TimeSpan.Zero)
            {
            }
        }
    }

    /// <summary>How long one attempt of a read waits before it is sent again (a session answers a read in milliseconds).</summary>
    private static readonly TimeSpan ReadRetryInterval = TimeSpan.FromSeconds(3);

    /// <summary>The pub-sub topic of one session's notices.</summary>
    public static string Topic(string key) => JanusSessionActor.PersistenceIdPrefix + key;

    private void OnSessionChanged(SessionChanged changed)
    {
        _sessions.Set(changed.Info);
        // A session passivated (ended), handed off to another node or killed by a journal failure: forget it here.
        if (_keyOfEntity.TryAdd(Sender, changed.Info.Key)) Context.Watch(Sender);
    }

    /// <summary>
    /// Subscribes through pub-sub, then asks the session (wherever it runs) what a late subscriber must know: that it
    /// ended (the stream completes) or that it was reclaimed. Fails with <see cref="JanusSessionNotFoundException"/>
    /// for an unknown key, leaving no subscription behind.
    /// </summary>
    private async Task SubscribeAsync(SubscribeToSession command)
    {
        var (mediator, region, timeout) = (_mediator, Region, _askTimeout);
        var topic = Topic(command.Key);
        await mediator.Ask<PubSub.SubscribeAck>(new PubSub.Subscribe(topic, command.Subscriber), timeout);
        JanusSessionInfo info;
        try
        {
            info = await region.Ask<JanusSessionInfo>(new GetSession(command.Key), timeout);
        }
        catch
        {
            mediator.Tell(new PubSub.Unsubscribe(topic, command.Subscriber));
            throw;
        }
        if (info.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed)
            command.Subscriber.Tell(new SessionEnded(info.Key, info.State, info.LastError));
        else if (info is { State: JanusSessionStatus.Active, Reclaims: > 0 })
            command.Subscriber.Tell(new SessionReclaimed(info.Key));
    }

    /// <summary>
    /// Every reachable member's sessions. A node that does not answer in time is left out (its sessions are being
    /// moved to the others if it is gone) and logged; a session seen on two nodes during a hand-over is shown once,
    /// active copy first.
    /// </summary>
    private async Task<SessionList> ListClusterAsync()
    {
        var (system, log, timeout) = (Context.System, _log, NodeListTimeout < _askTimeout ? NodeListTimeout : _askTimeout);
        var state = Akka.Cluster.Cluster.Get(system).State;
        var members = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Joining or MemberStatus.WeaklyUp)
            .Where(m => !state.Unreachable.Contains(m));
        var lists = await Task.WhenAll(members.Select(async member =>
        {
            try
            {
                var registry = system.ActorSelection(new RootActorPath(member.Address) / "user" / Name);
                return (await registry.Ask<SessionList>(ListNodeSessions.Instance, timeout)).Sessions;
            }
            catch (Exception e)
            {
                log.Warning("Node {Node} did not list its sessions: {Reason}", member.Address, e.Message);
                return [];
            }
        }));
        return new SessionList(lists
            .SelectMany(sessions => sessions)
            .GroupBy(s => s.Key)
            .Select(copies => copies.OrderBy(s => s.State == JanusSessionStatus.Active ? 0 : 1).First())
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToList());
    }
}
