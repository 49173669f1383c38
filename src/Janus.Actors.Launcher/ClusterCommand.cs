using System.Runtime.InteropServices;

namespace Janus.Actors.Launcher;

/// <summary>
/// <c>./build.sh cluster</c>: docker-compose.yml's topology as local processes on loopback — a private PostgreSQL
/// (unless <c>Journal__ConnectionString</c> names one), the local Janus of <c>run</c> (unless the environment names one),
/// and one host node per port of <c>CLUSTER_API_PORTS</c>/<c>CLUSTER_PORTS</c>, each seeded with all of them, logging to
/// <c>{data}/cluster/node-N.log</c>. A node that dies on its own (kill -9 one to watch its sessions move) is reported and
/// the others go on. The first Ctrl-C stops every node gracefully (each leaves the cluster), a second kills them; then
/// Janus and PostgreSQL stop. Exit code: the worst of the nodes' on Ctrl-C, else that of the last node to die.
/// </summary>
public sealed class ClusterCommand(LaunchSettings settings)
{
    private readonly List<(int Number, ChildProcess Node)> _nodes = [];
    private bool _stopping;

    public async Task<int> RunAsync()
    {
        var (apiPorts, clusterPorts) = (settings.ApiPorts, settings.ClusterPorts);
        if (apiPorts.Count == 0 || apiPorts.Count != clusterPorts.Count)
            throw new LaunchException("CLUSTER_API_PORTS and CLUSTER_PORTS must name as many ports each (one per node), e.g. 5081,5082,5083 and 4051,4052,4053", 2);
        if (LaunchSettings.Env("Journal__Provider") is { } provider && !provider.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
            throw new LaunchException("cluster mode journals to PostgreSQL: unset Journal__Provider (or set it to postgresql)", 2);
        for (var n = 1; n <= apiPorts.Count; n++)
            if (ProcessFiles.Running(PidFile(n), "Janus.Actors.Host") is { } pid)
                throw new LaunchException($"a cluster already runs on {settings.DataFolder} (node {n}, pid {pid}): stop it first, or use another JANUS_ACTORS_DATA");
        foreach (var port in apiPorts.Concat(clusterPorts).Where(ProcessFiles.PortOpen))
            throw new LaunchException($"port {port} on 127.0.0.1 is in use: stop what listens there, or choose other ports with CLUSTER_API_PORTS, CLUSTER_PORTS");

        Directory.CreateDirectory(settings.ClusterFolder);
        await using var postgres = new LocalPostgres(settings);
        if (LaunchSettings.Env("Journal__ConnectionString") is not null)
            Say.Line("using the PostgreSQL named by Journal__ConnectionString; no local PostgreSQL is started");
        else
            Environment.SetEnvironmentVariable("Journal__ConnectionString", await postgres.StartAsync());
        Environment.SetEnvironmentVariable("Journal__Provider", "postgresql");
        await using var janus = new LocalJanusServers(settings);
        await janus.UseAsync();

        try
        {
            var seeds = string.Join(',', clusterPorts.Select(port => $"127.0.0.1:{port}"));
            for (var i = 0; i < apiPorts.Count; i++) StartNode(i + 1, apiPorts[i], clusterPorts[i], seeds);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var stopped = new CancellationTokenSource();
            var announcer = AnnounceAsync(apiPorts, stopped.Token);
            var status = await WaitForNodesAsync();
            await stopped.CancelAsync();
            await announcer;
            return status;
        }
        finally
        {
            foreach (var (_, node) in _nodes) await node.DisposeAsync();
            for (var n = 1; n <= apiPorts.Count; n++) ProcessFiles.Delete(PidFile(n));
        }
    }

    private string PidFile(int node) => Path.Combine(settings.ClusterFolder, $"node-{node}.pid");

    private string LogFile(int node) => Path.Combine(settings.ClusterFolder, $"node-{node}.log");

    private void StartNode(int number, int apiPort, int clusterPort, string seeds)
    {
        var node = new ChildProcess($"node {number}", LogFile(number));
        var start = ChildProcess.StartInfo("dotnet", Environment.CurrentDirectory, HostProcess.HostDllPath);
        start.Environment["Cluster__Enabled"] = "true";
        start.Environment["Cluster__Hostname"] = "127.0.0.1";
        start.Environment["Cluster__Port"] = clusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Cluster__Seeds"] = seeds;
        start.Environment["Api__Urls"] = $"http://127.0.0.1:{apiPort}";
        var pid = node.Start(start).Id;
        _nodes.Add((number, node));
        ProcessFiles.Write(PidFile(number), pid);
        Say.Line($"node {number} (pid {pid}): API 127.0.0.1:{apiPort}, cluster 127.0.0.1:{clusterPort}, log {LogFile(number)}");
    }

    /// <summary>First Ctrl-C (or SIGTERM): every node stops gracefully. A second one kills those still stopping.</summary>
    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Say.Line(_stopping ? "stopping again: killing the nodes that are still running" : "stopping the nodes (Ctrl-C again kills them)");
        var signal = _stopping ? Signals.Kill : Signals.Term;
        _stopping = true;
        foreach (var (_, node) in _nodes)
            if (node.ProcessId is { } pid) _ = Signals.Send(pid, signal);
    }

    private async Task<int> WaitForNodesAsync()
    {
        var running = _nodes.ToDictionary(n => n.Node.WaitForExitAsync(Timeout.InfiniteTimeSpan), n => n);
        var (worst, lastDeath) = (0, 0);
        while (running.Count > 0)
        {
            var exited = await Task.WhenAny(running.Keys);
            var (number, node) = running[exited];
            running.Remove(exited);
            ProcessFiles.Delete(PidFile(number));
            var status = node.ExitCode ?? 1;
            if (_stopping)
            {
                if (status != 0) Say.Line($"node {number} exited with {status} while stopping; see {LogFile(number)}");
                worst = Math.Max(worst, status);
            }
            else
            {
                Say.Line($"node {number} exited with {status}; the end of {LogFile(number)}:\n{node.Tail(10)}");
                lastDeath = status;
            }
        }
        return _stopping ? worst : lastDeath;
    }

    private async Task AnnounceAsync(IReadOnlyList<int> apiPorts, CancellationToken stopped)
    {
        if (!await Readiness.WaitAsync(apiPorts, TimeSpan.FromSeconds(180), stopped)) return;
        Say.Line($"ready: {apiPorts.Count} nodes in one cluster");
        for (var i = 0; i < apiPorts.Count; i++)
            Say.Line($"  node {i + 1}: status page http://127.0.0.1:{apiPorts[i]}/ · API http://127.0.0.1:{apiPorts[i]}/v1/sessions · members http://127.0.0.1:{apiPorts[i]}/v1/cluster · log {LogFile(i + 1)}");
        Say.Line("Ctrl-C stops the nodes, then Janus and PostgreSQL");
    }
}
