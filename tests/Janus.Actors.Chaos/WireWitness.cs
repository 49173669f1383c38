using System.Net;

namespace Janus.Actors.Chaos;

/// <summary>
/// The second witness: what each host process sends each Janus, read off the soak's own proxies in front of Janus
/// (<see cref="JanusRequestReader"/>), every connection traced through /proc to the host process that opened it. Janus
/// tells no event handler who claimed a session; this does. It holds the hosts to <c>one-claimer</c>: a Janus session
/// is used — attach, message, trickle, detach, hangup, destroy, long poll — only by the process that claimed it last
/// (or, before any claim, the one that used it first) while that process runs; a second process must claim it first.
/// A zombie using a session another process has reclaimed breaks it, and so does a process that goes on using a
/// session after another one claimed it. Keep-alives are left out: they change nothing a holder relies on; so is a long
/// poll from a process that never held the session — a REST session recovered after a crash fetches what Janus queued
/// while no one polled just before it claims (a claim empties the queue).
/// </summary>
public sealed class WireWitness
{
    private static readonly TimeSpan LookAgainAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Server, long Session), Holder> _holders = [];
    private readonly HashSet<(string Server, long Session, int ProcessId)> _heldBy = [];
    private readonly HashSet<(string Server, long Session, int ProcessId)> _reported = [];
    private readonly Dictionary<string, int> _verbs = [];
    private readonly List<string> _intrusions = [];
    private int _unattributed;

    private sealed record Holder(int ProcessId, string Name, string Verb, DateTime At);

    /// <summary>The hosts whose processes the connections are traced to (set once they exist).</summary>
    public IReadOnlyList<HostProcess> Hosts { get; set; } = [];

    /// <summary>Requests read, by verb.</summary>
    public IReadOnlyDictionary<string, int> Verbs
    {
        get { lock (_gate) return new Dictionary<string, int>(_verbs); }
    }

    /// <summary>Requests whose connection could not be traced to a host process (not judged).</summary>
    public int Unattributed
    {
        get { lock (_gate) return _unattributed; }
    }

    /// <summary>The proxy's watch for one connection to <paramref name="server"/>, from <paramref name="client"/> to <paramref name="proxy"/>.</summary>
    public Action<ReadOnlyMemory<byte>> Watch(string server, IPEndPoint client, IPEndPoint proxy)
    {
        (int Id, string Name)? process = null;
        var lookedAt = DateTime.MinValue;
        var reader = new JanusRequestReader((verb, session) =>
        {
            if (process is null && DateTime.UtcNow - lookedAt > LookAgainAfter)
            {
                lookedAt = DateTime.UtcNow;
                process = Trace(client.Port, proxy.Port);
            }
            Record(server, process, verb, session);
        });
        return chunk => reader.Feed(chunk.Span);
    }

    /// <summary>Whether a <c>one-claimer</c> violation waits to be taken.</summary>
    public bool HasIntrusions
    {
        get { lock (_gate) return _intrusions.Count > 0; }
    }

    /// <summary>The <c>one-claimer</c> violations found since the last call.</summary>
    public IReadOnlyList<string> TakeIntrusions()
    {
        lock (_gate)
        {
            var taken = _intrusions.ToList();
            _intrusions.Clear();
            return taken;
        }
    }

    private (int, string)? Trace(int clientPort, int proxyPort)
    {
        var running = Hosts.Index().Where(h => h.Item.ProcessId is not null).Select(h => (Index: h.Index, Id: h.Item.ProcessId!.Value)).ToList();
        return ProcessReadings.OwnerOfConnection(clientPort, proxyPort, running.Select(h => h.Id)) is { } owner
            ? (owner, $"host-{running.First(h => h.Id == owner).Index} (pid {owner})")
            : null;
    }

    private void Record(string server, (int Id, string Name)? process, string verb, long? session)
    {
        var now = DateTime.UtcNow;
        lock (_gate)
        {
            _verbs[verb] = _verbs.GetValueOrDefault(verb) + 1;
            if (process is not { } sender)
            {
                _unattributed++;
                return;
            }
            if (session is not { } id || verb is "keepalive" or "create") return;
            var key = (server, id);
            if (verb == "poll" && !_heldBy.Contains((server, id, sender.Id))) return; // a drain ahead of its claim
            if (verb == "claim" || !_holders.TryGetValue(key, out var holder) || !ProcessReadings.IsRunning(holder.ProcessId))
            {
                _holders[key] = new Holder(sender.Id, sender.Name, verb, now);
                _heldBy.Add((server, id, sender.Id));
                return;
            }
            if (holder.ProcessId == sender.Id || !_reported.Add((server, id, sender.Id))) return;
            _intrusions.Add($"{sender.Name} sent '{verb}' for Janus session {id} on {server} {(now - holder.At).TotalSeconds:0.0} s after " +
                            $"{holder.Name} {(holder.Verb == "claim" ? "claimed" : "first used")} it, and that process still runs");
        }
    }
}
