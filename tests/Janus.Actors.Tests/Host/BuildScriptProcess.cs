using System.Runtime.InteropServices;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// <c>./build.sh &lt;command&gt;</c> of this repository as a newcomer runs it, in its own process group (as a terminal
/// would start it) so that a Ctrl-C can be sent to the group. It gets its own data folder
/// (<c>JANUS_ACTORS_DATA</c>), free loopback ports for Janus and the host, and none of the test runner's host settings.
/// Disposing kills the group and any Janus this data folder started: no process is left behind.
/// </summary>
public sealed class BuildScriptProcess : IAsyncDisposable
{
    private readonly object _outputLock = new();
    private readonly StringBuilder _output = new();
    private readonly List<ChildProcess> _runs = [];

    public BuildScriptProcess(string? dataFolder = null)
    {
        DataFolder = dataFolder ?? Directory.CreateTempSubdirectory("janus-run-").FullName;
        var ports = LoopbackPorts.Free(5);
        (JanusWebSocketPort, JanusHttpPort, JanusAdminPort, JanusAdminWebSocketPort, ApiPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
    }

    public string DataFolder { get; }
    public int JanusWebSocketPort { get; }
    public int JanusHttpPort { get; }
    public int JanusAdminPort { get; }
    public int JanusAdminWebSocketPort { get; }
    public int ApiPort { get; }

    /// <summary>More environment for every run (e.g. <c>CLUSTER_API_PORTS</c>), applied after the defaults above.</summary>
    public Dictionary<string, string> Environment { get; } = new();

    /// <summary>A client for the host that <c>./build.sh run</c> starts, or for the one on <paramref name="port"/>.</summary>
    public HttpClient CreateApiClient(int? port = null)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port ?? ApiPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        if (Environment.TryGetValue("Api__Token", out var token))
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The pid in the data folder's <c>janus/janus.pid</c>, if Janus runs.</summary>
    public int? JanusProcessId =>
        PidFiles.Read(Path.Combine(DataFolder, "janus", "janus.pid")) is { } pid && PidFiles.IsAlive(pid) ? pid : null;

    /// <summary>The postmaster of the PostgreSQL that <c>./build.sh cluster</c> runs in <c>{data}/postgres</c>, if it runs.</summary>
    public int? PostgresProcessId =>
        PidFiles.Read(Path.Combine(DataFolder, "postgres", "data", "postmaster.pid")) is { } pid && PidFiles.IsAlive(pid)
        && PidFiles.CommandLine(pid) is { } cmdline && cmdline.Contains(Path.Combine(DataFolder, "postgres"), StringComparison.Ordinal) ? pid : null;

    /// <summary>Janus processes running with this data folder's configuration (<c>janus -F {data}/janus</c>).</summary>
    public int CountJanusProcesses() => JanusProcessIds().Count;

    private List<int> JanusProcessIds()
    {
        var config = Path.Combine(DataFolder, "janus");
        return Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
            .Where(d => int.TryParse(d, out _)).Select(d => int.Parse(d!))
            .Where(pid => PidFiles.CommandLine(pid) is { Length: > 0 } c && c.Split('\0') is var argv && Path.GetFileName(argv[0]) == "janus" && argv.Contains(config))
            .ToList();
    }

    /// <summary>Everything every run printed so far.</summary>
    public string Output()
    {
        lock (_outputLock) return _output.ToString();
    }

    /// <summary>Starts <c>setsid bash build.sh args</c>: the script leads a new process group whose id is the returned process's id.</summary>
    public Process Start(params string[] args)
    {
        // As from a terminal: Ctrl-C and Ctrl-\ at their defaults. A test runner started in the background of a
        // non-interactive shell ignores them, and bash cannot trap a signal it was started ignoring.
        var info = ChildProcess.StartInfo("setsid", HostProcess.RepositoryRoot(), ["env", "--default-signal=INT,QUIT", "bash", "build.sh", .. args]);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Janus__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Journal__", StringComparison.OrdinalIgnoreCase)
                                                             || k.StartsWith("Api__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("JANUS_", StringComparison.Ordinal)
                                                             || k.StartsWith("Cluster__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("CLUSTER_", StringComparison.Ordinal)
                                                             || k == "POSTGRES_PORT").ToArray())
            info.Environment.Remove(key);
        info.Environment["JANUS_ACTORS_DATA"] = DataFolder;
        info.Environment["JANUS_WS_PORT"] = JanusWebSocketPort.ToString();
        info.Environment["JANUS_HTTP_PORT"] = JanusHttpPort.ToString();
        info.Environment["JANUS_ADMIN_PORT"] = JanusAdminPort.ToString();
        info.Environment["JANUS_ADMIN_WS_PORT"] = JanusAdminWebSocketPort.ToString();
        info.Environment["Api__Urls"] = $"http://127.0.0.1:{ApiPort}";
        foreach (var (key, value) in Environment) info.Environment[key] = value;

        var child = new ChildProcess("build.sh", echo: Append);
        _runs.Add(child);
        var run = child.Start(info);
        Append($"---- build.sh {string.Join(' ', args)} (pid {run.Id}) ----");
        return run;
    }

    /// <summary>Sends <paramref name="signal"/> to the whole process group of <paramref name="run"/>, as a terminal's Ctrl-C (SIGINT) would.</summary>
    public static void SignalGroup(Process run, int signal)
    {
        if (!run.HasExited && !Signals.Send(-run.Id, signal) && !run.HasExited)
            throw new InvalidOperationException($"kill -{signal} -{run.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200; throws with the output when the script exits or time runs out.</summary>
    public Task WaitForOkAsync(Process run, string path, TimeSpan timeout) => WaitForOkAsync(run, ApiPort, path, timeout);

    /// <summary>As <see cref="WaitForOkAsync(Process, string, TimeSpan)"/>, for the host on <paramref name="port"/>.</summary>
    public async Task WaitForOkAsync(Process run, int port, string path, TimeSpan timeout)
    {
        using var client = CreateApiClient(port);
        client.Timeout = TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (run.HasExited)
                throw new InvalidOperationException($"build.sh exited with {run.ExitCode} before {path} answered 200. Output:\n{Tail()}");
            try
            {
                using var response = await client.GetAsync(path.TrimStart('/'));
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{path} on port {port} did not answer 200 within {timeout} (last: {last}). Output:\n{Tail()}");
    }

    /// <summary>Waits for the script to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(Process run, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await run.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"build.sh did not exit within {timeout}. Output:\n{Tail()}");
        }
        return run.ExitCode;
    }

    public string Tail(int lines = 60)
    {
        var all = Output().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            if (run.ProcessId is { } group) _ = Signals.Send(-group, Signals.Kill); // the script's whole process group
            await run.DisposeAsync();
        }
        // The hosts a SIGKILLed script left (run's, cluster's nodes), and Janus (its own session, so the group kill above missed it).
        var clusterFolder = Path.Combine(DataFolder, "cluster");
        var nodePidFiles = Directory.Exists(clusterFolder) ? Directory.GetFiles(clusterFolder, "node-*.pid") : [];
        foreach (var pidFile in nodePidFiles.Append(Path.Combine(DataFolder, "host.pid")).Append(Path.Combine(DataFolder, "janus", "janus.pid")))
            if (PidFiles.Read(pidFile) is { } pid && PidFiles.IsAlive(pid)
                && PidFiles.CommandLine(pid) is { } cmdline && (cmdline.Contains("janus", StringComparison.Ordinal) || cmdline.Contains("Janus.Actors.Host", StringComparison.Ordinal)))
                _ = Signals.Send(pid, Signals.Kill);
        // The cluster's PostgreSQL (pg_ctl gives it its own session too): SIGQUIT is its immediate shutdown.
        if (PostgresProcessId is { } postmaster) _ = Signals.Send(postmaster, Signals.Quit);
        // And any Janus on this data folder's config whose pid file was lost (a script killed while it was starting).
        foreach (var pid in JanusProcessIds()) _ = Signals.Send(pid, Signals.Kill);
        try { Directory.Delete(DataFolder, recursive: true); }
        catch (IOException) { /* best effort: a temp folder */ }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_outputLock) _output.Append(line).Append('\n');
    }
}

/// <summary>
/// Specs that run build.sh one at a time and alone: each script builds the host (two builds of one project must not
/// overlap), and a build on 2 cores would starve the timing-sensitive crash specs running beside it.
/// </summary>
[Xunit.CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildScriptCollection
{
    public const string Name = "build.sh";
}
