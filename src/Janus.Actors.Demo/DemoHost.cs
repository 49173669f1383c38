using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Demo;

/// <summary>The demo's own host process: its journal in the demo folder, a free loopback port, its output in host.log.</summary>
public sealed class DemoHost : IDisposable
{
    private static readonly string[] Inherited = ["Janus__WebSocketUrl", "Janus__RestUrl", "Janus__ApiSecret", "Janus__Token"];
    private readonly DemoOptions _options;
    private readonly StreamWriter _log;
    private Process? _process;

    public DemoHost(DemoOptions options)
    {
        _options = options;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        _log = new StreamWriter(Path.Combine(options.DataFolder, "host.log"), append: true) { AutoFlush = true };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public void Start()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = _options.DataFolder,
        };
        info.ArgumentList.Add(_options.HostDll);
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) && !Inherited.Contains(k)).ToArray())
            info.Environment.Remove(key);
        info.Environment["Journal__ConnectionString"] = $"Data Source={Path.Combine(_options.DataFolder, "janus-actors.db")}";
        info.Environment["Api__Urls"] = BaseAddress.ToString().TrimEnd('/');
        var process = Process.Start(info) ?? throw new DemoSetupException("could not start dotnet");
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed; as a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>A graceful stop (SIGTERM); the host never destroys Janus sessions on the way out.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process) return;
        _ = kill(process.Id, 15);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await process.WaitForExitAsync(grace.Token); }
        catch (OperationCanceledException) { process.Kill(); }
    }

    public bool HasExited => _process?.HasExited ?? true;

    public void Dispose()
    {
        try { if (_process is { HasExited: false } p) p.Kill(); }
        catch (InvalidOperationException) { /* gone */ }
        _process?.Dispose();
        lock (_log) _log.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            try { _log.WriteLine(line); }
            catch (ObjectDisposedException) { /* output after dispose */ }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int kill(int pid, int sig);
}
