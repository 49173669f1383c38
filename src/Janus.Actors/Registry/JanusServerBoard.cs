using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;
using Janus.Actors.Servers;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

/// <summary>
/// The placement board's view of the Janus servers (<see cref="ServerBoardActor"/>): each one's state (its home's last probe, a drain asked here or by another
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
        /// <summary>Creates placed here, or naming it, that have not reported yet: when, and their transport.</summary>
        public Dictionary<string, (DateTime At, JanusTransportKind Transport)> Placing { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> OnOtherNodes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> RestOnOtherNodes { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Creates in flight on a server that the registry does not count yet: a session's first report reaches the counts
    /// before it reaches this board (<see cref="Reported"/>), and must not count twice meanwhile (a create refused one
    /// short of the REST budget was seen).
    /// </summary>
    private long Placing(Entry entry, JanusTransportKind? transport = null) =>
        entry.Placing.Count(placing => (transport is null || placing.Value.Transport == transport) && !_sessions.IsCounted(placing.Key));

    private readonly List<Entry> _servers;
    private readonly Dictionary<string, DateTime> _otherNodesHeard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _byName;
    private readonly IJanusServerSelector _selector;
    private readonly SessionTable _sessions;
    private readonly int _restRequestConnections;

    /// <param name="servers">The configured servers.</param>
    /// <param name="selector">Where sessions that name no server go.</param>
    /// <param name="sessions">This node's sessions.</param>
    /// <param name="restRequestConnections">Each node's <see cref="JanusOptions.RestRequestConnections"/>, taken from every REST budget.</param>
    public JanusServerBoard(IEnumerable<JanusServerSettings> servers, IJanusServerSelector selector, SessionTable sessions, int restRequestConnections)
    {
        _servers = servers.Select(server => new Entry(server)).ToList();
        _byName = _servers.ToDictionary(entry => entry.Settings.Name, StringComparer.Ordinal);
        _selector = selector;
        _sessions = sessions;
        _restRequestConnections = restRequestConnections;
    }

    public IEnumerable<string> Names => _servers.Select(entry => entry.Settings.Name);

    public bool Knows(string server) => _byName.ContainsKey(server);

    public void Probed(JanusServerActor.Probed probed)
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
            foreach (var (key, _) in entry.Placing.Where(placing => placing.Value.At < placedBefore).ToList())
                entry.Placing.Remove(key);
    }

    /// <summary>Another cluster node's live sessions per server, and the REST ones among them, as it last reported them.</summary>
    public void OnOtherNode(string node, IReadOnlyDictionary<string, long> live, IReadOnlyDictionary<string, long>? liveRest)
    {
        _otherNodesHeard[node] = DateTime.UtcNow;
        foreach (var entry in _servers)
        {
            Set(entry.OnOtherNodes, live);
            Set(entry.RestOnOtherNodes, liveRest ?? new Dictionary<string, long>());

            void Set(Dictionary<string, long> onOtherNodes, IReadOnlyDictionary<string, long> counts)
            {
                if (counts.TryGetValue(entry.Settings.Name, out var count)) onOtherNodes[node] = count;
                else onOtherNodes.Remove(node);
            }
        }
    }

    /// <summary>The other nodes' REST sessions on <paramref name="server"/>, as they last reported them.</summary>
    public long RestOnOtherNodes(string server) => _byName[server].RestOnOtherNodes.Values.Sum();

    /// <summary>Forgets the load of nodes that stopped reporting (they left or died; their sessions are counted where they moved).</summary>
    public void ForgetQuietNodes(DateTime heardBefore)
    {
        foreach (var (node, _) in _otherNodesHeard.Where(heard => heard.Value < heardBefore).ToList())
        {
            _otherNodesHeard.Remove(node);
            foreach (var entry in _servers)
            {
                entry.OnOtherNodes.Remove(node);
                entry.RestOnOtherNodes.Remove(node);
            }
        }
    }

    /// <summary>This node's live sessions per server, for the other nodes.</summary>
    public IReadOnlyDictionary<string, long> LiveHere() =>
        _servers.ToDictionary(entry => entry.Settings.Name, entry => _sessions.LiveOn(entry.Settings.Name) + Placing(entry));

    /// <summary>This node's live REST sessions per server, for the other nodes.</summary>
    public IReadOnlyDictionary<string, long> LiveRestHere() =>
        _servers.ToDictionary(entry => entry.Settings.Name, entry => _sessions.LiveRestOn(entry.Settings.Name) + Placing(entry, JanusTransportKind.Rest));

    /// <summary>Every server in configuration order.</summary>
    public IReadOnlyList<JanusServerStatus> Statuses() => _servers.Select(StatusOf).ToList();

    public JanusServerStatus Status(string server) => StatusOf(_byName[server]);

    private JanusServerStatus StatusOf(Entry entry) => new(
        entry.Settings.Name,
        entry.Settings.Retired ? JanusServerState.Retired
        : entry.Problem is not null ? JanusServerState.Unreachable
        : entry.DrainedHere || entry.Info is { AcceptingNewSessions: false } ? JanusServerState.Draining
        : JanusServerState.Up,
        _sessions.LiveOn(entry.Settings.Name) + Placing(entry) + entry.OnOtherNodes.Values.Sum(),
        entry.Settings,
        entry.Info,
        entry.Problem,
        _sessions.LiveRestOn(entry.Settings.Name) + Placing(entry, JanusTransportKind.Rest) + entry.RestOnOtherNodes.Values.Sum(),
        RestSessionLimit(entry.Settings));

    /// <summary>
    /// REST sessions the server can hold: its <see cref="JanusServerSettings.RestConnectionLimit"/> less every node's request
    /// connections (a long poll for each session beside them); null without a REST URL.
    /// </summary>
    private long? RestSessionLimit(JanusServerSettings server) =>
        server.RestUrl is null ? null : Math.Max(0, server.RestConnectionLimit - (long)_restRequestConnections * (1 + _otherNodesHeard.Count));

    /// <summary>Why a REST session cannot go to this server (its HTTP connections are all spoken for); null when it can.</summary>
    private string? RestBudgetSpent(JanusServerStatus server, JanusTransportKind transport) =>
        transport == JanusTransportKind.Rest && server.LiveRestSessions >= server.RestSessionLimit
            ? $"Janus server '{server.Name}' is at its REST connection budget: {server.LiveRestSessions} REST sessions of {server.RestSessionLimit} " +
              $"(RestConnectionLimit {server.Settings.RestConnectionLimit} less {_restRequestConnections} request connections per node; " +
              "each REST session holds a long poll)"
            : null;

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
        if (RestBudgetSpent(status, create.Transport) is { } spent)
            return (null, new JanusNoServerAvailableException(spent));
        return (create, null);
    }

    /// <summary>A create that named its server is under way there (<see cref="CreatingOn"/>): it counts at once.</summary>
    public void Creating(CreatingOn creating)
    {
        if (_byName.TryGetValue(creating.Server, out var entry)) entry.Placing[creating.Key] = (DateTime.UtcNow, creating.Transport);
    }

    /// <summary>Where a create that names no server goes: the selector's choice among the servers' current states and loads.</summary>
    public SessionPlaced Place(PlaceSession place)
    {
        Discarded(place.Key);
        var servers = Statuses();
        // A server whose REST budget is spent refuses a REST session, as one that answered 472 refuses any: the selector skips
        // both alike (a selector of the application's own too).
        var spent = servers.Where(server => RestBudgetSpent(server, place.Transport) is not null).Select(server => server.Name).ToList();
        JanusServerStatus? chosen;
        try
        {
            chosen = _selector.Select(new JanusPlacementRequest(place.Key, place.Transport, place.Zone, [.. place.Tried, .. spent]), servers);
        }
        catch (Exception e)
        {
            return new SessionPlaced(null, $"the server selector {_selector.GetType().Name} failed: {e.Message}");
        }
        if (chosen is null)
            return new SessionPlaced(null, "no Janus server can take a new session: " + string.Join(", ", servers.Select(Describe)));
        if (!_byName.TryGetValue(chosen.Name, out var entry) || entry.Settings.Retired || !entry.Settings.Serves(place.Transport))
            return new SessionPlaced(null, $"the server selector {_selector.GetType().Name} chose '{chosen.Name}', which is not a configured server in service with that transport");
        if (spent.Contains(chosen.Name))
            return new SessionPlaced(null, RestBudgetSpent(servers.First(server => server.Name == chosen.Name), place.Transport));
        entry.Placing[place.Key] = (DateTime.UtcNow, place.Transport);
        return new SessionPlaced(chosen.Name, null);

        string Describe(JanusServerStatus server) =>
            RestBudgetSpent(server, place.Transport) is { } budget ? budget
            : place.Tried.Contains(server.Name) ? $"{server.Name} refused it"
            : !server.Settings.Serves(place.Transport) ? $"{server.Name} has no {place.Transport} URL"
            : server.State == JanusServerState.Up && server.LiveSessions >= server.Settings.Capacity ? $"{server.Name} is full ({server.LiveSessions} of {server.Settings.Capacity})"
            : $"{server.Name} is {server.State.ToString().ToLowerInvariant()}";
    }
}
