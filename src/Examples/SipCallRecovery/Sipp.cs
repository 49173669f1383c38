using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Janus.Actors.Fixtures;

namespace SipCallRecovery;

/// <summary>
/// One sipp run (Debian package <c>sip-tester</c>) with a scenario from <c>sipp/</c>, on loopback. Its screen output
/// goes to <c>&lt;name&gt;.out</c> in the working directory; disposing kills it if it still runs.
/// </summary>
public sealed class Sipp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _screen;

    private Sipp(Process process, StreamWriter screen)
    {
        _process = process;
        _screen = screen;
    }

    public static string Executable =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
        .Select(folder => Path.Combine(folder, "sipp"))
        .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("sipp is not installed: apt-get install -y sip-tester");

    /// <summary>Starts sipp with <c>sipp/&lt;scenario&gt;.xml</c> bound to 127.0.0.1:<paramref name="port"/> (UDP).</summary>
    public static Sipp Start(string scenario, string workingDirectory, int port, params string[] arguments)
    {
        var info = ChildProcess.StartInfo(Executable, workingDirectory, arguments);
        foreach (var argument in new[] { "-sf", Path.Combine(AppContext.BaseDirectory, "sipp", $"{scenario}.xml"),
                     "-i", "127.0.0.1", "-p", port.ToString(), "-m", "1", "-nostdin", "-timeout", "30", "-timeout_error" })
            info.ArgumentList.Add(argument);

        var screen = new StreamWriter(Path.Combine(workingDirectory, $"{scenario}.out")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(screen, e.Data);
        process.ErrorDataReceived += (_, e) => Write(screen, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);
        return new Sipp(process, screen);
    }

    /// <summary>Waits for sipp to finish its one call; 0 means the scenario ran as written.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var patience = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(patience.Token);
        return _process.ExitCode;
    }

    /// <summary>A UDP port on 127.0.0.1 that is free right now.</summary>
    public static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_screen)
            _screen.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Write(StreamWriter screen, string? line)
    {
        if (line is null)
            return;
        lock (screen)
        {
            try { screen.WriteLine(line); }
            catch (ObjectDisposedException) { /* output after dispose */ }
        }
    }
}
