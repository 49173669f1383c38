using System.Globalization;

namespace Janus.Actors.Chaos;

/// <summary>
/// What the soak reads of a running process from /proc: the levels that must come back after every fault, and which
/// process holds one end of a loopback connection.
/// </summary>
public static class ProcessReadings
{
    /// <summary>Open file descriptors (sockets, files), or null when the process is gone.</summary>
    public static int? OpenFiles(int processId)
    {
        try
        {
            return Directory.GetFiles($"/proc/{processId}/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Open file descriptors less the established connections clients hold to <paramref name="apiPort"/>: how many the
    /// soak's own HTTP clients keep pooled is theirs (a node the workload talks to more holds more), not the host's; a
    /// connection the host fails to close after its client did (CLOSE_WAIT) still counts. Null when the process is gone.
    /// </summary>
    public static int? OwnOpenFiles(int processId, int apiPort)
    {
        try
        {
            var clients = Sockets().Where(s => s.LocalPort == apiPort && s.State == Established).Select(s => $"socket:[{s.Inode}]").ToHashSet();
            return Directory.GetFiles($"/proc/{processId}/fd").Count(fd => new FileInfo(fd).LinkTarget is not { } target || !clients.Contains(target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resident memory in MiB, or null when the process is gone.</summary>
    public static double? ResidentMiB(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the process exists and has not exited (a zombie waiting to be reaped has).</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Which of <paramref name="processIds"/> holds the TCP socket bound to <paramref name="localPort"/> and connected to
    /// <paramref name="remotePort"/> (both on loopback, IPv4 or IPv6), or null.
    /// </summary>
    public static int? OwnerOfConnection(int localPort, int remotePort, IEnumerable<int> processIds)
    {
        if (Sockets().FirstOrDefault(s => s.LocalPort == localPort && s.RemotePort == remotePort) is not { Inode: var inode }) return null;
        var link = $"socket:[{inode}]";
        foreach (var processId in processIds)
        {
            try
            {
                if (Directory.EnumerateFiles($"/proc/{processId}/fd").Any(fd => new FileInfo(fd).LinkTarget == link))
                    return processId;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile
            }
        }
        return null;
    }

    /// <summary>The state of an established connection in the kernel's TCP tables.</summary>
    private const string Established = "01";

    private sealed record TcpSocket(int LocalPort, int RemotePort, string State, string Inode);

    /// <summary>The machine's TCP sockets, IPv4 and IPv6 (<c>sl local_address rem_address st … inode</c>).</summary>
    private static IEnumerable<TcpSocket> Sockets() =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 9)
            .Select(fields => new TcpSocket(Port(fields[1]), Port(fields[2]), fields[3], fields[9]));

    private static int Port(string address) =>
        int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The one-minute load average of the machine.</summary>
    public static double Load() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
