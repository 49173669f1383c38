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
    private readonly ChildProcess _process;

    private Sipp(ChildProcess process) => _process = process;

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
