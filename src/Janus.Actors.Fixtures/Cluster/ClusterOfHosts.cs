using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A cluster of real host processes (<c>dotnet Janus.Actors.Host.dll</c> with <c>Cluster:Enabled=true</c>) over one real
/// Janus and one fresh PostgreSQL database that all nodes share as their journal. Each node gets free loopback ports
/// for its API and its Akka.Remote endpoint; nodes 0 and 1 are the seeds of every node. Disposing kills every node and
/// Janus; nothing is left running. Free of xunit so the benchmark can link it.
/// </summary>
/// <remarks>
/// Messages between nodes are serialized for real by Akka.Remote: the specs send requests through nodes that do not
/// host the session, so commands and replies cross the wire, with <see cref="NoNewtonsoftForJanusMessages"/> so none
/// of them may fall back to Newtonsoft. <see cref="SerializeEverything"/> is not used:
/// with Akka.NET 1.5.73 it breaks Akka's own local messages (Akka.DistributedData's <c>ReadRepair</c>,
/// Akka.Persistence.Sql's <c>WriteFinished</c> and <c>JournalSequenceActor</c> messages fail the Newtonsoft round trip),
/// so the sharding coordinator never starts and every create times out.
/// </remarks>
public sealed class ClusterOfHosts : IAsyncDisposable
{
    /// <summary>Every message, local ones too, serialized and deserialized on each send (see the remarks above).</summary>
    public const string SerializeEverything = "akka.actor.serialize-messages = on";

    /// <summary>
    /// Akka's Newtonsoft default replaced by <c>NewtonsoftForAkkaOnly</c>: a Janus message that would cross nodes
    /// without the project's serializer fails (and is logged) instead of arriving mangled.
    /// </summary>
    public const string NoNewtonsoftForJanusMessages = """
        akka.actor.serializers.newtonsoft-for-akka-only = "Janus.Actors.Serialization.NewtonsoftForAkkaOnly, Janus.Actors"
        akka.actor.serialization-bindings { "System.Object" = newtonsoft-for-akka-only }
        """;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly List<ClusterNode> _nodes = [];
    private readonly Action<string> _log;

    private ClusterOfHosts(IReadOnlyList<JanusServer> janusServers, string connectionString, Action<string> log)
    {
        JanusServers = janusServers;
        ConnectionString = connectionString;
        _log = log;
    }

    /// <summary>The (first) Janus server of those the cluster started.</summary>
    public JanusServer Janus => JanusServers[0];

    /// <summary>Every Janus server, in configuration order.</summary>
    public IReadOnlyList<JanusServer> JanusServers { get; }

    /// <summary>The PostgreSQL database all nodes journal to.</summary>
    public string ConnectionString { get; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public IEnumerable<ClusterNode> RunningNodes => _nodes.Where(n => n.IsRunning);

    /// <summary>The Kubernetes API the nodes ask, when they find each other through it.</summary>
    public FakeKubernetesApi? KubernetesApi { get; private set; }

    /// <summary>
    /// Starts Janus, creates a database, starts <paramref name="nodeCount"/> nodes at once and waits until every node
    /// sees all of them Up. On failure everything started so far is disposed.
    /// </summary>
    /// <param name="nodeCount">How many host processes.</param>
    /// <param name="janusOptions">The Janus server's configuration (timeouts).</param>
    /// <param name="postgres">The server to create this cluster's own database on.</param>
    /// <param name="log">Progress lines (test output).</param>
    /// <param name="extraSettings">Further host settings for every node (e.g. <c>Serilog:MinimumLevel:Default</c>).</param>
    /// <param name="akkaHocon">The nodes' <c>Akka:Hocon</c>; null leaves it to <paramref name="extraSettings"/>.</param>
    /// <param name="janusServers">
    /// How many Janus servers, all configured alike: one is the single-server settings; more are <c>Janus:Servers</c>
    /// named <c>janus-0</c>, <c>janus-1</c>, … with their Admin APIs.
    /// </param>
    /// <param name="discovery">
    /// How the nodes find each other: a seed list (the first two nodes), config discovery (every node's Akka.Remote
    /// endpoint), or the Kubernetes API — a <see cref="FakeKubernetesApi"/> listing every node as a pod; with discovery,
    /// all nodes are required before any joins.
    /// </param>
    public static async Task<ClusterOfHosts> StartAsync(int nodeCount, JanusServerOptions janusOptions, PostgresServer postgres,
        Action<string> log, IReadOnlyDictionary<string, string?>? extraSettings = null, string? akkaHocon = null, int janusServers = 1,
        NodeDiscovery discovery = NodeDiscovery.Seeds)
    {
        var servers = Enumerable.Range(0, janusServers).Select(_ => new JanusServer(janusOptions)).ToList();
        try
        {
            await Task.WhenAll(servers.Select(server => server.StartAsync()));
        }
        catch
        {
            foreach (var server in servers) await server.DisposeAsync();
            throw;
        }
        return await StartNodesAsync(nodeCount, servers, JanusHostSettings.For(servers), postgres, log, extraSettings, akkaHocon, discovery);
    }

    /// <summary>
    /// Starts <paramref name="nodeCount"/> nodes (seeds: the first two) on a fresh database over Janus servers started
    /// elsewhere, reached through <paramref name="janusSettings"/> (e.g. the chaos soak's proxies); the cluster owns no Janus.
    /// </summary>
    public static Task<ClusterOfHosts> StartOverAsync(int nodeCount, IReadOnlyDictionary<string, string?> janusSettings, PostgresServer postgres,
        Action<string> log, IReadOnlyDictionary<string, string?>? extraSettings = null) =>
        StartNodesAsync(nodeCount, [], janusSettings, postgres, log, extraSettings, akkaHocon: null, NodeDiscovery.Seeds);

    private static async Task<ClusterOfHosts> StartNodesAsync(int nodeCount, IReadOnlyList<JanusServer> servers, IReadOnlyDictionary<string, string?> janusSettings,
        PostgresServer postgres, Action<string> log, IReadOnlyDictionary<string, string?>? extraSettings, string? akkaHocon, NodeDiscovery discovery)
    {
        ClusterOfHosts? cluster = null;
        try
        {
            cluster = new ClusterOfHosts(servers, await postgres.CreateDatabaseAsync(), log);
            var clusterPorts = LoopbackPorts.Free(nodeCount);
            var seeds = string.Join(',', clusterPorts.Take(Math.Min(2, nodeCount)).Select(p => $"127.0.0.1:{p}"));
            var everyNode = string.Join(',', clusterPorts.Select(p => $"127.0.0.1:{p}"));
            if (discovery == NodeDiscovery.Kubernetes)
            {
                cluster.KubernetesApi = new FakeKubernetesApi(clusterPorts);
                akkaHocon = akkaHocon is null ? cluster.KubernetesApi.Hocon : akkaHocon + "\n" + cluster.KubernetesApi.Hocon;
            }
            for (var i = 0; i < nodeCount; i++)
            {
                var settings = new Dictionary<string, string?>(extraSettings ?? new Dictionary<string, string?>())
                {
                    ["Journal:Provider"] = "postgresql",
                    ["Journal:ConnectionString"] = cluster.ConnectionString,
                    ["Cluster:Enabled"] = "true",
                    ["Cluster:Hostname"] = "127.0.0.1",
                    ["Cluster:Port"] = clusterPorts[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                if (discovery == NodeDiscovery.Seeds)
                    settings["Cluster:Seeds"] = seeds;
                else
                {
                    settings["Cluster:Discovery"] = discovery == NodeDiscovery.Config ? "config" : "kubernetes";
                    settings["Cluster:RequiredContactPoints"] = nodeCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                if (discovery == NodeDiscovery.Config)
                    settings["Cluster:ContactPoints"] = everyNode;
                foreach (var (key, value) in cluster.KubernetesApi?.HostSettings ?? new Dictionary<string, string?>()) settings[key] = value;
                if (akkaHocon is not null)
                    settings["Akka:Hocon"] = akkaHocon;
                foreach (var (key, value) in janusSettings) settings[key] = value;
                cluster._nodes.Add(new ClusterNode(i, clusterPorts[i], new HostProcess(settings)));
            }
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(cluster._nodes.Select(n => n.Host.StartAsync()));
            await cluster.WaitUntilAllUpAsync(TimeSpan.FromSeconds(60));
            log($"cluster of {nodeCount} up in {clock.ElapsedMilliseconds} ms: {string.Join(", ", cluster._nodes)}");
            return cluster;
        }
        catch
        {
            if (cluster is not null)
                await cluster.DisposeAsync();
            else
                foreach (var server in servers) await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Janus for failover specs: sessions outlive their socket and their last request by 60 s, so a failover has
    /// about 45 s (60 s minus a keep-alive period of 15 s) before Janus would drop anything; debug level 3.
    /// </summary>
    public static JanusServerOptions FailoverJanus(int sessionTimeoutSeconds = 60, int reclaimSessionTimeoutSeconds = 60) => new()
    {
        SessionTimeoutSeconds = sessionTimeoutSeconds,
        ReclaimSessionTimeoutSeconds = reclaimSessionTimeoutSeconds,
        DebugLevel = 3,
        FileDescriptorLimit = 20_000,
    };

    /// <summary>
    /// Creates <paramref name="perNodeAndTransport"/> sessions per node and transport (<c>websocket</c>, <c>rest</c>),
    /// each through its node, round-robin, each with an echotest handle. Keys are <c>{prefix}ws-000</c>, <c>{prefix}rest-001</c>, ...
    /// </summary>
    public async Task<IReadOnlyList<CreatedSession>> CreateRoundRobinAsync(int perNodeAndTransport, string prefix = "")
    {
        var clock = Stopwatch.StartNew();
        var created = new List<CreatedSession>();
        var running = RunningNodes.ToList();
        for (var i = 0; i < perNodeAndTransport * running.Count; i++)
            foreach (var (transport, shortName) in new[] { ("websocket", "ws"), ("rest", "rest") })
                created.Add(await running[i % running.Count].CreateWithEchoHandleAsync($"{prefix}{shortName}-{i:D3}", transport));
        _log($"created {created.Count} sessions round-robin through {running.Count} nodes in {clock.ElapsedMilliseconds} ms");
        return created;
    }

    /// <summary>Which node hosts each session, from the cluster-wide listing; throws when a session names no node.</summary>
    public async Task<IReadOnlyDictionary<string, ClusterNode>> HostingNodesAsync(IEnumerable<string> keys)
    {
        var listed = (await ListSessionsAsync()).ToDictionary(s => s.Key);
        var hosting = new Dictionary<string, ClusterNode>();
        foreach (var key in keys)
        {
            if (!listed.TryGetValue(key, out var session))
                throw new InvalidOperationException($"GET /v1/sessions does not list {key}; it lists {listed.Count} sessions");
            hosting[key] = NodeAt(session.Node ?? throw new InvalidOperationException($"{key} names no node: {session}"));
        }
        _log("sessions per node: " + string.Join(", ", hosting.GroupBy(h => h.Value).OrderBy(g => g.Key.Index).Select(g => $"{g.Key.Address} {g.Count()}")));
        return hosting;
    }

    /// <summary>The node whose address is <paramref name="address"/> (a session's <c>node</c>).</summary>
    public ClusterNode NodeAt(string? address) =>
        _nodes.SingleOrDefault(n => n.Address == address)
        ?? throw new InvalidOperationException($"No node has the address '{address}'; nodes: {string.Join(", ", _nodes.Select(n => n.Address))}");

    /// <summary>
    /// Waits until every running node's <c>GET /v1/cluster</c> shows exactly the running nodes, all <c>up</c>, none
    /// unreachable, and every running node's <c>/readyz</c> is 200.
    /// </summary>
    public async Task WaitUntilAllUpAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            var running = RunningNodes.ToList();
            var addresses = running.Select(n => n.Address).ToList();
            var views = new List<string>();
            var allUp = true;
            foreach (var node in running)
            {
                try
                {
                    var view = await node.ClusterViewAsync();
                    views.Add($"{node.Address}: {view}");
                    allUp &= view.AllUp(addresses) && await node.IsReadyAsync();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException or KeyNotFoundException)
                {
                    views.Add($"{node.Address}: {e.Message.Split('\n')[0]}");
                    allUp = false;
                }
            }
            if (allUp)
                return;
            last = string.Join("\n  ", views);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The cluster did not converge on {string.Join(", ", addresses)} all Up within {timeout.TotalSeconds:0} s. Views:\n  {last}\n{LogTails()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Crashes a node with SIGKILL; returns when its process is gone.</summary>
    public async Task KillAsync(ClusterNode node)
    {
        await node.Host.KillAsync();
        _log($"{node} killed with SIGKILL");
    }

    /// <summary>Stops a node gracefully (SIGTERM): it leaves the cluster and hands its shards over.</summary>
    public async Task<int> StopAsync(ClusterNode node)
    {
        var clock = Stopwatch.StartNew();
        var exitCode = await node.Host.StopAsync(TimeSpan.FromSeconds(60));
        _log($"{node} stopped with SIGTERM in {clock.ElapsedMilliseconds} ms, exit code {exitCode}");
        return exitCode;
    }

    /// <summary>Starts a killed or stopped node again (same Akka port, same settings) and waits until all running nodes are Up.</summary>
    public async Task RestartAsync(ClusterNode node, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        await node.Host.StartAsync();
        await WaitUntilAllUpAsync(timeout ?? TimeSpan.FromSeconds(60));
        _log($"{node} restarted and Up in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// <c>GET /v1/sessions</c> from the first running node that answers 200 (nodes in the given order, else all).
    /// </summary>
    public async Task<IReadOnlyList<SessionView>> ListSessionsAsync(IEnumerable<ClusterNode>? nodes = null)
    {
        var errors = new List<string>();
        foreach (var node in (nodes ?? RunningNodes).Where(n => n.IsRunning))
        {
            try
            {
                return await node.ListSessionsAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                errors.Add($"{node}: {e.Message.Split('\n')[0]}");
            }
        }
        throw new InvalidOperationException($"No running node listed the sessions: {string.Join("; ", errors)}");
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the whole cluster's session list (any running node).</summary>
    public async Task<IReadOnlyList<SessionView>> WaitForSessionsAsync(Func<IReadOnlyList<SessionView>, bool> condition, TimeSpan timeout, string waitingFor)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "nothing";
        while (true)
        {
            try
            {
                var sessions = await ListSessionsAsync();
                if (condition(sessions))
                    return sessions;
                last = $"{sessions.Count} sessions: {string.Join("; ", sessions.Where(s => s.State != "active").Take(10))}" +
                       $" (active: {sessions.Count(s => s.State == "active")})";
            }
            catch (InvalidOperationException e)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Still waiting for {waitingFor} after {timeout.TotalSeconds:0} s; last seen: {last}\n{LogTails()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Lines of every node's log (all starts) containing any of <paramref name="needles"/>, prefixed by the node.</summary>
    public IReadOnlyList<string> LogLinesContaining(IEnumerable<ClusterNode> nodes, params string[] needles) =>
        nodes.SelectMany(n => n.Host.Log().Split('\n')
                .Where(line => needles.Any(needle => line.Contains(needle, StringComparison.OrdinalIgnoreCase)))
                .Select(line => $"[node {n.Index}] {line}"))
            .ToList();

    /// <summary>Every node's log tail and Janus's, for failure messages.</summary>
    public string LogTails(int lines = 30)
    {
        var text = new StringBuilder();
        foreach (var node in _nodes)
            text.Append("--- ").Append(node).Append(" log tail ---\n").Append(node.Host.LogTail(lines)).Append('\n');
        foreach (var janus in JanusServers) text.Append(janus.LogTail(10));
        return text.ToString();
    }

    /// <summary>Copies every node's full log and Janus's into <paramref name="directory"/> (kept for a failing run).</summary>
    public void CopyLogsTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var node in _nodes)
            File.WriteAllText(Path.Combine(directory, $"node{node.Index}.log"), node.Host.Log());
        foreach (var (i, janus) in JanusServers.Index())
            if (File.Exists(janus.LogPath))
                File.Copy(janus.LogPath, Path.Combine(directory, i == 0 ? "janus.log" : $"janus-{i}.log"), overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        foreach (var janus in JanusServers) await janus.DisposeAsync();
        if (KubernetesApi is not null) await KubernetesApi.DisposeAsync();
    }

}

/// <summary>How the nodes of a <see cref="ClusterOfHosts"/> find each other.</summary>
public enum NodeDiscovery
{
    Seeds,
    Config,
    Kubernetes,
}
