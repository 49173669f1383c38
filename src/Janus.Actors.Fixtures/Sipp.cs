using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>
/// One sipp run (Debian package <c>sip-tester</c>) with one scenario file, one call, on loopback: the SIP peer of the
/// SIP example and specs. Its screen output goes to <c>&lt;scenario&gt;.out</c> in the working directory; disposing kills
/// it if it still runs.
/// </summary>
public sealed class Sipp : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Sipp(ChildProcess process) => _process = process;

    public static string Executable =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
        .Select(folder => Path.Combine(folder, "sipp"))
        .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("sipp is not installed: apt-get install -y sip-tester");

    /// <summary>Starts sipp with the scenario file <paramref name="scenarioFile"/> bound to 127.0.0.1:<paramref name="port"/> (UDP).</summary>
    public static Sipp Start(string scenarioFile, string workingDirectory, int port, params string[] arguments)
    {
        var scenario = Path.GetFileNameWithoutExtension(scenarioFile);
        var info = ChildProcess.StartInfo(Executable, workingDirectory, arguments);
        foreach (var argument in new[] { "-sf", scenarioFile,
                     "-i", "127.0.0.1", "-p", port.ToString(), "-m", "1", "-nostdin", "-timeout", "30", "-timeout_error" })
            info.ArgumentList.Add(argument);
        var process = new ChildProcess($"sipp {scenario}", Path.Combine(workingDirectory, $"{scenario}.out"));
        process.Start(info);
        return new Sipp(process);
    }

    /// <summary>Waits for sipp to finish its one call; 0 means the scenario ran as written.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout) =>
        await _process.WaitForExitAsync(timeout)
            ? _process.ExitCode!.Value
            : throw new TimeoutException($"sipp did not finish its call within {timeout.TotalSeconds} s");

    /// <summary>A UDP port on 127.0.0.1 that is free right now.</summary>
    public static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
