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
        if (SocketInode(localPort, remotePort) is not { } inode) return null;
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

    /// <summary>The inode of the socket with these ports in the kernel's TCP tables (<c>local_address rem_address … inode</c>).</summary>
    private static string? SocketInode(int localPort, int remotePort)
    {
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && Port(fields[1]) == localPort && Port(fields[2]) == remotePort)
                    return fields[9];
            }
        }
        return null;

        static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The one-minute load average of the machine.</summary>
    public static double Load() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
