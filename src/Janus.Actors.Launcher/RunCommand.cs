using System.Runtime.InteropServices;

namespace Janus.Actors.Launcher;

/// <summary>
/// <c>./build.sh run</c>: the local Janus (unless the environment names one) and one host, in the foreground, with its
/// SQLite journal in the data folder. One host per journal. Ctrl-C or SIGTERM stops the host gracefully (it never
/// destroys a Janus session), then Janus. Exit code: the host's.
/// </summary>
public sealed class RunCommand(LaunchSettings settings)
{
    public async Task<int> RunAsync()
    {
        var pidFile = Path.Combine(settings.DataFolder, "host.pid");
        if (ProcessFiles.Running(pidFile, "Janus.Actors.Host") is { } running)
            throw new LaunchException($"a host already runs on {settings.DataFolder} (pid {running}): stop it first, or use another JANUS_ACTORS_DATA");

        await using var janus = new LocalJanusServers(settings);
        await janus.UseAsync();
        Directory.CreateDirectory(settings.DataFolder);
        Environment.SetEnvironmentVariable("Journal__ConnectionString",
            LaunchSettings.Env("Journal__ConnectionString") ?? $"Data Source={Path.Combine(settings.DataFolder, "janus-actors.db")}");

        var port = LaunchSettings.ApiPort();
        await using var host = new ChildProcess("the host", echo: Console.WriteLine);
        host.Start(ChildProcess.StartInfo("dotnet", Environment.CurrentDirectory, HostProcess.HostDllPath));
        ProcessFiles.Write(pidFile, host.ProcessId!.Value);
        try
        {
            // The terminal's Ctrl-C reaches the host too (same process group); SIGTERM reaches only this launcher.
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var stopped = new CancellationTokenSource();
            var announcer = AnnounceAsync(port, stopped.Token);
            await host.WaitForExitAsync(Timeout.InfiniteTimeSpan);
            await stopped.CancelAsync();
            await announcer;
            return host.ExitCode ?? 1;
        }
        finally
        {
            ProcessFiles.Delete(pidFile);
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (host.ProcessId is { } pid) _ = Signals.Send(pid, Signals.Term);
        }
    }

    private static async Task AnnounceAsync(int port, CancellationToken stopped)
    {
        if (await Readiness.WaitAsync([port], TimeSpan.FromSeconds(120), stopped))
            Say.Line($"ready: status page http://127.0.0.1:{port}/ · API http://127.0.0.1:{port}/v1/sessions · metrics http://127.0.0.1:{port}/metrics · Ctrl-C stops");
    }
}
