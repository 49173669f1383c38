using System.Security.Cryptography;

namespace Janus.Actors.Chaos;

/// <summary>
/// Everything the soak runs: two Janus servers behind their proxies, posting their events to the witness; the journal's
/// folder (a small tmpfs of its own when root may mount one, so it can be filled); the host, and with --standby a
/// second host waiting on the same journal. Disposing stops and removes all of it.
/// </summary>
public sealed class ChaosWorld : IAsyncDisposable
{
    /// <summary>Janus's session_timeout and reclaim_session_timeout in the soak: short, so orphans expire within a run.</summary>
    public const int JanusTimeoutSeconds = 30;

    private readonly string? _ownedFolder;

    private ChaosWorld(IReadOnlyList<ChaosServer> servers, IReadOnlyList<HostProcess> hosts, SmallDisk? disk, string? ownedFolder)
    {
        Servers = servers;
        Hosts = hosts;
        Disk = disk;
        _ownedFolder = ownedFolder;
        Api = new HostApi(hosts, TimeSpan.FromSeconds(15));
    }

    public IReadOnlyList<ChaosServer> Servers { get; }

    public IReadOnlyList<HostProcess> Hosts { get; }

    /// <summary>The journal's own file system, when it could be mounted (root); null: the journal-full fault is left out.</summary>
    public SmallDisk? Disk { get; }

    public HostApi Api { get; }

    public static async Task<ChaosWorld> StartAsync(ChaosOptions options, JanusWitness witness)
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
            var server = new ChaosServer(name, janus);
            servers.Add(server);
            await server.StartAsync();
        }

        var disk = SmallDisk.CanMount ? await SmallDisk.MountAsync(64) : null;
        var ownedFolder = disk is null ? Directory.CreateTempSubdirectory("janus-chaos-journal-").FullName : null;
        var settings = JanusHostSettings.For([.. servers.Select(s => (s.Name, s.PortsForHost, s.Janus.Options.AdminSecret))]);
        settings["Api:Token"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        settings["Journal:ConnectionString"] = $"Data Source={Path.Combine(disk?.Folder ?? ownedFolder!, "journal.db")}";
        settings["Journal:Standby"] = options.Standby ? "true" : "false";
        var hosts = Enumerable.Range(0, options.Standby ? 2 : 1).Select(_ => new HostProcess(settings)).ToList();
        foreach (var host in hosts)
            await host.StartAsync();
        return new ChaosWorld(servers, hosts, disk, ownedFolder);
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
        foreach (var server in Servers)
        {
            server.Janus.Thaw();
            await server.DisposeAsync();
        }
        if (Disk is not null) await Disk.DisposeAsync();
        if (_ownedFolder is not null) Directory.Delete(_ownedFolder, recursive: true);
    }
}
