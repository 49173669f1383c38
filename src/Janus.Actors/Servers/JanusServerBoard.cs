using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;
using Janus.Actors.Supervision;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Servers;

/// <summary>
/// A registry's view of the Janus servers: each one's state (its monitor's last probe, a drain asked here or by another
/// node, retirement) and load, and the placement of new sessions through the <see cref="IJanusServerSelector"/>. Load is
/// the sessions this node hosts there (<see cref="SessionTable"/>), plus the creates placed there that have not reported
/// yet (so a burst of creates spreads instead of piling onto the server that was emptiest when it began), plus, in a
/// cluster, what the other nodes last reported.
/// </summary>
internal sealed class JanusServerBoard
{
    private sealed class Entry(JanusServerSettings settings)
    {
        public JanusServerSettings Settings { get; } = settings;
        public JanusServerInfo? Info { get; set; }
        public string? Problem { get; set; }
        public bool DrainedHere { get; set; }
        /// <summary>Creates placed here that have not reported yet, and when each was placed.</summary>
        public Dictionary<string, DateTime> Placing { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> OnOtherNodes { get; } = new(StringComparer.Ordinal);
    }

    private readonly List<Entry> _servers;
    private readonly Dictionary<string, DateTime> _otherNodesHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _byName;
    private readonly IJanusServerSelector _selector;
    private readonly SessionTable _sessions;

    public JanusServerBoard(IEnumerable<JanusServerSettings> servers, IJanusServerSelector selector, SessionTable sessions)
    {
        _servers = servers.Select(server => new Entry(server)).ToList();
        _byName = _servers.ToDictionary(entry => entry.Settings.Name, StringComparer.Ordinal);
        _selector = selector;
        _sessions = sessions;
    }

    public IEnumerable<string> Names => _servers.Select(entry => entry.Settings.Name);

    public bool Knows(string server) => _byName.ContainsKey(server);

    public void Probed(JanusServerMonitor.Probed probed)
    {
        if (!_byName.TryGetValue(probed.Server, out var entry)) return;
        if (probed.Info is { } info) entry.Info = info;
        entry.Problem = probed.Problem;
    }

    /// <summary>Janus applied <c>accept_new_sessions</c>: what its next <c>info</c> will say, known now.</summary>
    public void JanusAccepts(string server, bool accept)
    {
        if (_byName[server].Info is { } info) _byName[server].Info = info with { AcceptingNewSessions = accept };
    }

    /// <summary>A drain (or undrain) asked of this node, or of another one in the cluster.</summary>
    public void SetDrained(string server, bool drained) => _byName[server].DrainedHere = drained;

    /// <summary>A session reported: it counts in the table now, no longer as a placement in flight.</summary>
    public void Reported(JanusSessionInfo info)
    {
        if (_byName.TryGetValue(info.Server, out var entry)) entry.Placing.Remove(info.Key);
    }

    /// <summary>A create failed: it counts nowhere.</summary>
    public void Discarded(string key)
    {
        foreach (var entry in _servers) entry.Placing.Remove(key);
    }

    /// <summary>
    /// Forgets placements older than <paramref name="placedBefore"/>: a create reports or fails well within its ask
    /// timeout, so an older one belongs to a session actor that died mid-create and must not weigh on its server forever.
    /// </summary>
    public void ForgetStalePlacements(DateTime placedBefore)
    {
        foreach (var entry in _servers)
            foreach (var (key, _) in entry.Placing.Where(placing => placing.Value < placedBefore).ToList())
                entry.Placing.Remove(key);
    }

    /// <summary>Another cluster node's live sessions per server, as it last reported them.</summary>
    public void OnOtherNode(string node, IReadOnlyDictionary<string, long> live)
    {
        _otherNodesHeard[node] = DateTime.UtcNow;
        foreach (var entry in _servers)
            if (live.TryGetValue(entry.Settings.Name, out var count)) entry.OnOtherNodes[node] = count;
            else entry.OnOtherNodes.Remove(node);
    }

    /// <summary>Forgets the load of nodes that stopped reporting (they left or died; their sessions are counted where they moved).</summary>
    public void ForgetQuietNodes(DateTime heardBefore)
    {
        foreach (var (node, _) in _otherNodesHeard.Where(heard => heard.Value < heardBefore).ToList())
        {
            _otherNodesHeard.Remove(node);
            foreach (var entry in _servers) entry.OnOtherNodes.Remove(node);
        }
    }

    /// <summary>This node's live sessions per server, for the other nodes.</summary>
    public IReadOnlyDictionary<string, long> LiveHere() =>
        _servers.ToDictionary(entry => entry.Settings.Name, entry => _sessions.LiveOn(entry.Settings.Name) + entry.Placing.Count);

    /// <summary>Every server in configuration order.</summary>
    public IReadOnlyList<JanusServerStatus> Statuses() => _servers.Select(StatusOf).ToList();

    public JanusServerStatus Status(string server) => StatusOf(_byName[server]);

    private JanusServerStatus StatusOf(Entry entry) => new(
        entry.Settings.Name,
        entry.Settings.Retired ? JanusServerState.Retired
        : entry.Problem is not null ? JanusServerState.Unreachable
        : entry.DrainedHere || entry.Info is { AcceptingNewSessions: false } ? JanusServerState.Draining
        : JanusServerState.Up,
        _sessions.LiveOn(entry.Settings.Name) + entry.Placing.Count + entry.OnOtherNodes.Values.Sum(),
        entry.Settings,
        entry.Info,
        entry.Problem);

    /// <summary>
    /// A create that names its server, checked before it goes to the session: the server must be configured and not
    /// retired, and, for a new Janus session, not draining. An adoption that names none gets the only open server, or is
    /// refused when there are several (its Janus id lives on one of them).
    /// </summary>
    public (CreateSession? Command, Exception? Refusal) Check(CreateSession create)
    {
        if (create.Server is null)
        {
            if (create.AdoptJanusSessionId is null) return (create, null);
            var open = _servers.Where(entry => !entry.Settings.Retired).ToList();
            return open.Count == 1
                ? (create with { Server = open[0].Settings.Name }, null)
                : (null, new JanusServerNotFoundException(null, Names));
        }
        if (!Knows(create.Server)) return (null, new JanusServerNotFoundException(create.Server, Names));
        var status = Status(create.Server);
        if (!status.Settings.Serves(create.Transport))
            return (null, new JanusNoServerAvailableException($"Janus server '{create.Server}' has no {create.Transport} URL"));
        if (status.State == JanusServerState.Retired)
            return (null, new JanusNoServerAvailableException($"Janus server '{create.Server}' is retired: it takes no sessions"));
        if (status.State == JanusServerState.Draining && create.AdoptJanusSessionId is null)
            return (null, new JanusNoServerAvailableException($"Janus server '{create.Server}' is draining: it takes no new sessions"));
        return (create, null);
    }

    /// <summary>Where a create that names no server goes: the selector's choice among the servers' current states and loads.</summary>
    public SessionPlaced Place(PlaceSession place)
    {
        Discarded(place.Key);
        var servers = Statuses();
        JanusServerStatus? chosen;
        try
        {
            chosen = _selector.Select(new JanusPlacementRequest(place.Key, place.Transport, place.Zone, place.Tried), servers);
        }
        catch (Exception e)
        {
            return new SessionPlaced(null, $"the server selector {_selector.GetType().Name} failed: {e.Message}");
        }
        if (chosen is null)
            return new SessionPlaced(null, "no Janus server can take a new session: " + string.Join(", ", servers.Select(Describe)));
        if (!_byName.TryGetValue(chosen.Name, out var entry) || entry.Settings.Retired || !entry.Settings.Serves(place.Transport))
            return new SessionPlaced(null, $"the server selector {_selector.GetType().Name} chose '{chosen.Name}', which is not a configured server in service with that transport");
        entry.Placing[place.Key] = DateTime.UtcNow;
        return new SessionPlaced(chosen.Name, null);

        string Describe(JanusServerStatus server) =>
            place.Tried.Contains(server.Name) ? $"{server.Name} refused it"
            : !server.Settings.Serves(place.Transport) ? $"{server.Name} has no {place.Transport} URL"
            : server.State == JanusServerState.Up && server.LiveSessions >= server.Settings.Capacity ? $"{server.Name} is full ({server.LiveSessions} of {server.Settings.Capacity})"
            : $"{server.Name} is {server.State.ToString().ToLowerInvariant()}";
    }
}
