using System.Security.Cryptography;

namespace Janus.Actors.Chaos;

/// <summary>
/// Everything the soak runs: two Janus servers behind their proxies, posting their events to the witness; then either
/// the journal's folder (a small tmpfs of its own when root may mount one, so it can be filled) with the host, and with
/// --standby a second host waiting on the same journal, or (--cluster) a private PostgreSQL and three cluster nodes on
/// it. Disposing stops and removes all of it.
/// </summary>
public sealed class ChaosWorld : IAsyncDisposable
{
    /// <summary>Janus's session_timeout and reclaim_session_timeout in the soak: short, so orphans expire within a run.</summary>
    public const int JanusTimeoutSeconds = 30;

    private readonly string? _ownedFolder;
    private readonly ClusterOfHosts? _cluster;

    private ChaosWorld(IReadOnlyList<ChaosServer> servers, IReadOnlyList<HostProcess> hosts, SmallDisk? disk, string? ownedFolder,
        PostgresServer? postgres = null, ClusterOfHosts? cluster = null)
    {
        Servers = servers;
        Hosts = hosts;
        Disk = disk;
        _ownedFolder = ownedFolder;
        Postgres = postgres;
        _cluster = cluster;
        Api = new HostApi(hosts, TimeSpan.FromSeconds(15));
    }

    /// <summary>The settings every host was started with (not in a cluster).</summary>
    public IReadOnlyDictionary<string, string?> HostSettings { get; private init; } = new Dictionary<string, string?>();

    /// <summary>The SQLite journal's file (not in a cluster).</summary>
    public string? JournalPath { get; private init; }

    /// <summary>The cluster's journal (--cluster), or null.</summary>
    public PostgresServer? Postgres { get; }

    /// <summary>Whether the hosts are nodes of one cluster (any node serves every session).</summary>
    public bool IsCluster => _cluster is not null;

    /// <summary>In a cluster: waits until every running node sees exactly the running nodes, all up (throws TimeoutException).</summary>
    public Task WaitUntilConvergedAsync(TimeSpan timeout) => _cluster?.WaitUntilAllUpAsync(timeout) ?? Task.CompletedTask;

    /// <summary>The cluster addresses (<c>127.0.0.1:port</c>, as a session names its node) of the nodes running now.</summary>
    public IReadOnlyList<string> RunningNodes => _cluster?.RunningNodes.Select(node => node.Address).ToList() ?? [];

    public IReadOnlyList<ChaosServer> Servers { get; }

    public IReadOnlyList<HostProcess> Hosts { get; }

    /// <summary>The journal's own file system, when it could be mounted (root); null: the journal-full fault is left out.</summary>
    public SmallDisk? Disk { get; }

    public HostApi Api { get; }

    public static async Task<ChaosWorld> StartAsync(ChaosOptions options, JanusWitness witness, WireWitness wire)
    {
        var servers = new List<ChaosServer>();
        for (var i = 0; i < 2; i++)
        {
            var name = JanusHostSettings.ServerName(i);
            var janus = new JanusServerOptions
            {
                SessionTimeoutSeconds = JanusTimeoutSeconds,
                ReclaimSessionTimeoutSeconds = JanusTimeoutSeconds,
                DebugLevel = 3,
                EventHandlerUrl = witness.UrlFor(name),
                JanusExecutable = options.JanusExecutable,
            };
            if (options.JanusLibraryFolder is { } library) janus = janus with { JanusLibraryFolder = library };
            var server = new ChaosServer(name, janus, wire);
            servers.Add(server);
            await server.StartAsync();
        }

        var settings = JanusHostSettings.For([.. servers.Select(s => (s.Name, s.PortsForHost, s.Janus.Options.AdminSecret))]);
        settings["Api:Token"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        if (options.Cluster)
        {
            var postgres = await PostgresServer.StartAsync();
            var cluster = await ClusterOfHosts.StartOverAsync(3, settings, postgres, Progress.Log);
            wire.Hosts = [.. cluster.Nodes.Select(node => node.Host)];
            return new ChaosWorld(servers, [.. cluster.Nodes.Select(node => node.Host)], null, null, postgres, cluster);
        }
        var disk = SmallDisk.CanMount ? await SmallDisk.MountAsync(64) : null;
        var ownedFolder = disk is null ? Directory.CreateTempSubdirectory("janus-chaos-journal-").FullName : null;
        var journalPath = Path.Combine(disk?.Folder ?? ownedFolder!, "journal.db");
        settings["Journal:ConnectionString"] = $"Data Source={journalPath}";
        settings["Journal:Standby"] = options.Standby ? "true" : "false";
        var hosts = Enumerable.Range(0, options.Standby ? 2 : 1).Select(_ => new HostProcess(settings)).ToList();
        wire.Hosts = hosts;
        foreach (var host in hosts)
            await host.StartAsync();
        return new ChaosWorld(servers, hosts, disk, ownedFolder) { JournalPath = journalPath, HostSettings = settings };
    }

    /// <summary>Copies every host's log into <paramref name="folder"/> (host-N.log), for a person reading a violation.</summary>
    public void KeepLogs(string folder)
    {
        foreach (var (i, host) in Hosts.Index())
            if (File.Exists(host.LogPath)) File.Copy(host.LogPath, Path.Combine(folder, $"host-{i}.log"), overwrite: true);
        foreach (var server in Servers)
            if (File.Exists(server.Janus.LogPath)) File.Copy(server.Janus.LogPath, Path.Combine(folder, $"{server.Name}.log"), overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            host.Thaw();
            await host.DisposeAsync();
        }
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
        foreach (var server in Servers)
        {
            server.Janus.Thaw();
            await server.DisposeAsync();
        }
        if (Disk is not null) await Disk.DisposeAsync();
        if (_ownedFolder is not null) Directory.Delete(_ownedFolder, recursive: true);
    }
}
