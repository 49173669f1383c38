using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace Janus.Actors.Cluster;

/// <summary>
/// Whether this cluster node may act on sessions — claim them in Janus, take commands — or must hold back because the
/// others may have given its sessions to another node. A node holds back while it is not an up member, while it cannot
/// reach a majority of the members, and for <see cref="Quarantine"/> after the process was paused (SIGSTOP, a VM
/// freeze, a long stall) for <see cref="DangerousPause"/> or more: long enough for the others to have downed it and
/// re-homed its sessions, which it learns only after it wakes. Without this, a node that wakes from such a pause claims
/// its sessions back from their new owner (Janus has no ownership check) and takes writes the cluster never sees —
/// found by the chaos soak: a node frozen 39 s reclaimed a re-homed session 0.1 s after it woke, and acknowledged a
/// create, 4 s before its own split-brain resolver downed it.
/// </summary>
internal sealed class NodeFencing : IDisposable
{
    /// <summary>
    /// A pause the cluster may have downed this node for: the failure detector's acceptable pause (3 s) plus the split-brain
    /// resolver's stable-after (4 s), less a margin (hocon/cluster.conf). Shorter stalls (GC, a busy machine) are ignored.
    /// </summary>
    public static readonly TimeSpan DangerousPause = TimeSpan.FromSeconds(5);

    /// <summary>How long after such a pause the node holds back: time to see the others unreachable and be downed, or not.</summary>
    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private readonly ActorSystem _system;
    private readonly Thread _watch;
    private readonly CancellationTokenSource _stopping = new();
    private long _lastTick = Stopwatch.GetTimestamp();
    private long _quarantineEnds;
    private double _lastPauseSeconds;

    public NodeFencing(ActorSystem system)
    {
        _system = system;
        // A thread of its own, not the actor scheduler: it must wake on time whatever the actors are doing.
        _watch = new Thread(Watch) { IsBackground = true, Name = "janus-actors-pause-watch" };
        _watch.Start();
        system.RegisterOnTermination(Dispose);
    }

    /// <summary>Why this node must not act on sessions now, or null when it may.</summary>
    public string? Refusal()
    {
        var now = Stopwatch.GetTimestamp();
        var sinceTick = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastTick), now);
        if (sinceTick >= DangerousPause)
            return $"this node was paused for {sinceTick.TotalSeconds:0.0} s: the cluster may have given its sessions to other nodes";
        if (now < Interlocked.Read(ref _quarantineEnds))
            return $"this node was paused for {_lastPauseSeconds:0.0} s: the cluster may have given its sessions to other nodes";
        var cluster = Akka.Cluster.Cluster.Get(_system);
        if (cluster.SelfMember.Status != MemberStatus.Up)
            return $"this node is {cluster.SelfMember.Status.ToString().ToLowerInvariant()} in the cluster, not up";
        var state = cluster.State;
        var members = state.Members.Count(m => m.Status == MemberStatus.Up);
        var unreachable = state.Unreachable.Count(m => m.Status == MemberStatus.Up);
        return unreachable * 2 >= members && unreachable > 0
            ? $"this node reaches {members - unreachable} of the cluster's {members} nodes, not a majority"
            : null;
    }

    private void Watch()
    {
        while (!_stopping.Token.WaitHandle.WaitOne(Tick))
        {
            var now = Stopwatch.GetTimestamp();
            var gap = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastTick), now);
            if (gap >= DangerousPause)
            {
                _lastPauseSeconds = gap.TotalSeconds;
                Interlocked.Exchange(ref _quarantineEnds, now + (long)(Quarantine.TotalSeconds * Stopwatch.Frequency));
                _system.Log.Warning("This node was paused for {0:0.0} s: it takes no commands and claims nothing for {1} s " +
                                    "(the cluster may have downed it and re-homed its sessions)", gap.TotalSeconds, Quarantine.TotalSeconds);
            }
            Interlocked.Exchange(ref _lastTick, now);
        }
    }

    public void Dispose() => _stopping.Cancel();
}
