using System.Globalization;

namespace Janus.Actors.Chaos;

/// <summary>What the soak reads of a running process from /proc: the levels that must come back after every fault.</summary>
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

    /// <summary>The one-minute load average of the machine.</summary>
    public static double Load() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
