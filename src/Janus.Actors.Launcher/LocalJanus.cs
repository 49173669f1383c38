using System.Security.Cryptography;

namespace Janus.Actors.Launcher;

/// <summary>
/// One of the data folder's Janus servers for run, demo and cluster (<see cref="LocalJanusServers"/>): <c>deploy/janus</c>
/// rendered into its folder with its loopback ports and an admin secret of its own, started in a session of its own — so
/// a Ctrl-C reaches the hosts first, and a SIGKILLed launcher leaves it to the next run, which adopts it — and stopped by
/// whichever run owns it.
/// </summary>
public sealed class LocalJanus(LaunchSettings settings, int index) : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);
    private bool _owned;

    private string Folder => settings.JanusFolderOf(index);
    private string PidFile => Path.Combine(Folder, "janus.pid");
    private string OwnerFile => Path.Combine(Folder, "owner.pid");
    private string LogFile => Path.Combine(Folder, "janus.log");

    /// <summary>Its loopback ports.</summary>
    public JanusServerPorts Ports => settings.JanusPortsOf(index);

    /// <summary>Starts it unless it runs already (then this run adopts it, unless another run owns it).</summary>
    public async Task StartAsync()
    {
        Directory.CreateDirectory(Folder);
        if (ProcessFiles.Running(PidFile, "janus") is { } running)
        {
            _owned = ProcessFiles.AdoptUnlessShared("Janus", running, OwnerFile, settings.DataFolder);
            return;
        }
        var ports = Ports;
        foreach (var port in new[] { ports.WebSocket, ports.Http, ports.Admin, ports.AdminWebSocket }.Where(ProcessFiles.PortOpen))
            throw new LaunchException($"port {port} on 127.0.0.1 is in use (another Janus?): stop it, or choose other ports with JANUS_WS_PORT, JANUS_HTTP_PORT, JANUS_ADMIN_PORT, JANUS_ADMIN_WS_PORT");

        JanusConfigFiles.Render(Folder, JanusConfigFiles.LibraryFolder(), ports, AdminSecret());
        Say.Line($"starting Janus on 127.0.0.1 (WebSocket {ports.WebSocket}, REST {ports.Http}, admin {ports.Admin}, admin WebSocket {ports.AdminWebSocket}), log in {LogFile}");
        using var janus = JanusProcess.Launch("build.sh", "janus", Folder, LogFile);
        ProcessFiles.Write(PidFile, janus.Id);
        ProcessFiles.Write(OwnerFile, Environment.ProcessId);
        _owned = true;

        var deadline = DateTime.UtcNow + StartPatience;
        while (!(ProcessFiles.PortOpen(ports.WebSocket) && ProcessFiles.PortOpen(ports.Http)))
        {
            if (janus.HasExited)
            {
                _owned = false;
                throw new LaunchException($"Janus exited while starting; the end of {LogFile}:\n{LogFiles.Tail(LogFile, 20)}");
            }
            if (DateTime.UtcNow > deadline)
            {
                await DisposeAsync();
                throw new LaunchException($"Janus did not open its ports within {StartPatience.TotalSeconds:0} s; see {LogFile}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Stops Janus when this run owns it: SIGTERM, SIGKILL after 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_owned) return;
        _owned = false;
        if (ProcessFiles.Running(PidFile, "janus") is { } pid)
        {
            Say.Line($"stopping Janus (pid {pid})");
            _ = Signals.Send(pid, Signals.Term);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (ProcessFiles.IsRunning(pid, "janus") && DateTime.UtcNow < deadline) await Task.Delay(100);
            _ = Signals.Send(pid, Signals.Kill);
        }
        ProcessFiles.Delete(PidFile, OwnerFile);
    }

    /// <summary>This Janus's own admin secret, made once and kept in its folder.</summary>
    public string AdminSecret()
    {
        Directory.CreateDirectory(Folder);
        var file = Path.Combine(Folder, "admin-secret");
        if (!File.Exists(file) || new FileInfo(file).Length == 0)
            File.WriteAllText(file, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
        return File.ReadAllText(file).Trim();
    }
}
