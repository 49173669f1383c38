using Janus.Actors.Fixtures;

namespace Janus.Actors.Launcher.Demo;

/// <summary>The demo's own host process: its journal in the demo folder, a free loopback port, its output in host.log.</summary>
public sealed class DemoHost : IAsyncDisposable
{
    private static readonly string[] Inherited = ["Janus__WebSocketUrl", "Janus__RestUrl", "Janus__ApiSecret", "Janus__Token"];
    private readonly DemoOptions _options;
    private readonly ChildProcess _process;

    public DemoHost(DemoOptions options)
    {
        _options = options;
        _process = new ChildProcess("the host", Path.Combine(options.DataFolder, "host.log"));
        Port = LoopbackPorts.Free();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int? ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public void Start()
    {
        var info = ChildProcess.StartInfo("dotnet", _options.DataFolder, _options.HostDll);
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) && !Inherited.Contains(k)).ToArray())
            info.Environment.Remove(key);
        info.Environment["Journal__ConnectionString"] = $"Data Source={Path.Combine(_options.DataFolder, "janus-actors.db")}";
        info.Environment["Api__Urls"] = BaseAddress.ToString().TrimEnd('/');
        _process.Start(info);
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed; as a crash.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>A graceful stop (SIGTERM); the host never destroys Janus sessions on the way out.</summary>
    public async Task StopAsync()
    {
        if (HasExited) return;
        try { await _process.StopAsync(TimeSpan.FromSeconds(20)); }
        catch (TimeoutException) { await _process.KillAsync(); }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
