using System.Collections.Immutable;
using Akka.Actor;
using Akka.Discovery;
using Akka.Event;

namespace Janus.Actors.Cluster;

/// <summary>
/// A node without a seed list (<see cref="JanusClusterOptions.Discovery"/>) asks Akka.Discovery for the cluster's nodes
/// every second. Once it finds at least <see cref="JanusClusterOptions.RequiredContactPoints"/> of them, itself included,
/// and the same set twice in a row, it joins them as seed nodes in address order — the same order on every node, so the
/// node with the lowest address is everyone's first seed: it forms the cluster when none of the others is in one, and
/// any node (the first too) joins a cluster that runs already. Then it stops.
/// </summary>
/// <remarks>
/// Akka.Management's Cluster Bootstrap does the same with an HTTP probe of every node; on the package feed this project
/// builds from, its HTTP endpoint (Akka.Http.Shim 1.5.73 over Ceen.Httpd 0.9.10, the only one served) fails to start
/// with a MissingMethodException, so the join rests on Akka's own seed-node process.
/// </remarks>
internal sealed class DiscoveredSeeds : ReceiveActor, IWithTimers
{
    public const string Name = "janus-discovered-seeds";

    public static Props Props(JanusClusterOptions options) => Akka.Actor.Props.Create(() => new DiscoveredSeeds(options));

    private sealed record LookUp : INoSerializationVerificationNeeded
    {
        public static readonly LookUp Instance = new();
    }

    private sealed record Found(ImmutableSortedSet<string> Nodes) : INoSerializationVerificationNeeded;

    private sealed record LookupFailed(Exception Cause) : INoSerializationVerificationNeeded;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    private readonly JanusClusterOptions _options;
    private readonly ServiceDiscovery _discovery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ImmutableSortedSet<string> _previous = ImmutableSortedSet<string>.Empty;
    private DateTime _lastProgress = DateTime.MinValue;

    public DiscoveredSeeds(JanusClusterOptions options)
    {
        _options = options;
        _discovery = Akka.Discovery.Discovery.Get(Context.System).Default;
        Receive<LookUp>(_ => Look());
        Receive<Found>(OnFound);
        Receive<LookupFailed>(failed =>
        {
            Progress("Cluster discovery ({Method}) failed: {Reason}; asking again", failed.Cause.Message);
            Timers.StartSingleTimer(LookUp.Instance, LookUp.Instance, Interval);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Self.Tell(LookUp.Instance);

    private void Look()
    {
        var lookup = new Lookup(JanusClusterConfig.ServiceName, JanusClusterConfig.RemotingPortName, "tcp");
        _discovery.Lookup(lookup, ResolveTimeout).PipeTo(Self,
            success: resolved => new Found(resolved.Addresses
                .Where(target => target.Port is not null)
                .Select(target => $"{target.Host}:{target.Port}")
                .ToImmutableSortedSet(StringComparer.Ordinal)),
            failure: cause => new LookupFailed(cause));
    }

    private void OnFound(Found found)
    {
        var ready = found.Nodes.Count >= _options.RequiredContactPoints && found.Nodes.Contains(_options.Node) && found.Nodes.SetEquals(_previous);
        _previous = found.Nodes;
        if (!ready)
        {
            Progress("Cluster discovery ({Method}) found {Found}; waiting for {Required} nodes, this one included, twice alike",
                found.Nodes.Count == 0 ? "no node" : string.Join(", ", found.Nodes), _options.RequiredContactPoints);
            Timers.StartSingleTimer(LookUp.Instance, LookUp.Instance, Interval);
            return;
        }
        var seeds = found.Nodes.Select(node => Address.Parse($"akka.tcp://{JanusClusterOptions.SystemName}@{node}")).ToList();
        _log.Info("Cluster discovery ({Method}) found {Nodes}: joining them, {First} first", _options.Discovery, string.Join(", ", found.Nodes), found.Nodes.Min);
        Akka.Cluster.Cluster.Get(Context.System).JoinSeedNodes(seeds);
        Context.Stop(Self);
    }

    /// <summary>A line every <see cref="ProgressEvery"/> at most while the node waits: why it has not joined yet.</summary>
    private void Progress(string template, object first, object? second = null)
    {
        if (DateTime.UtcNow - _lastProgress < ProgressEvery) return;
        _lastProgress = DateTime.UtcNow;
        if (second is null) _log.Info(template, _options.Discovery, first);
        else _log.Info(template, _options.Discovery, first, second);
    }
}
