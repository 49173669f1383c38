using Janus.Actors.Fixtures;

namespace Janus.Actors.Benchmarks;

/// <summary>What the scenarios read of the machine and the host process beside their timings.</summary>
internal static class MachineReadings
{
    /// <summary>The one-minute load average: these machines are shared, and every figure means more beside it.</summary>
    public static double Load() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The host's resident memory once it has been idle for a moment (its start-up garbage collected), in KiB.</summary>
    public static async Task<double> IdleRssKiBAsync(HostProcess host)
    {
        await Task.Delay(TimeSpan.FromSeconds(3)); // settling time for the measurement, not a wait for a condition
        var status = await File.ReadAllLinesAsync($"/proc/{host.ProcessId}/status");
        return double.Parse(status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture);
    }
}
