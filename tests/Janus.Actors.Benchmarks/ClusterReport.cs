using System.Globalization;
using System.Text;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// The cluster failover table: per run when the survivors saw the killed node unreachable, downed and removed, and
/// when its sessions were active again; the split into detection, downing and take-over; and ratios against the
/// baselines of the same invocation (raw one-socket claim of the same sessions, single-node SIGKILL → all active).
/// </summary>
public static class ClusterReport
{
    public static string Format(IReadOnlyList<FailoverResult> failovers, IReadOnlyList<RunResult> singleNode)
    {
        var single = singleNode.Count == 0 ? (double?)null : Report.Median(singleNode.Select(r => r.KillToAllActive.TotalMilliseconds));
        var columns = new (string Header, Func<FailoverResult, double?> Value, string Format)[]
        {
            ("unreachable ms", r => r.Unreachable?.TotalMilliseconds, "0"),
            ("down ms", r => r.Downed?.TotalMilliseconds, "0"),
            ("removed ms", r => r.Removed?.TotalMilliseconds, "0"),
            ("first active ms", r => r.FirstActive.TotalMilliseconds, "0"),
            ("all active ms", r => r.AllActive.TotalMilliseconds, "0"),
            ("detection ms", r => r.Detection.TotalMilliseconds, "0"),
            ("downing ms", r => r.Downing.TotalMilliseconds, "0"),
            ("take-over ms", r => r.Takeover.TotalMilliseconds, "0"),
            ("raw 1-socket ms", r => r.RawOneSocket.TotalMilliseconds, "0"),
            ("cluster/raw", r => r.RatioToRaw, "0.0"),
            ("cluster/single-node", r => single is { } s ? r.AllActive.TotalMilliseconds / s : null, "0.00"),
        };
        string Cell(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

        var rows = new List<string[]>();
        foreach (var r in failovers)
            rows.Add([$"run {r.Run}", r.Sessions.ToString(CultureInfo.InvariantCulture), r.TotalSessions.ToString(CultureInfo.InvariantCulture),
                .. columns.Select(c => Cell(c.Value(r), c.Format))]);
        if (failovers.Count > 1)
            rows.Add(["median", failovers[0].Sessions.ToString(CultureInfo.InvariantCulture), "",
                .. columns.Select(c => failovers.Select(c.Value).OfType<double>().ToList() is { Count: > 0 } values ? Cell(Report.Median(values), c.Format) : "-")]);

        var text = new StringBuilder();
        text.AppendLine("Cluster failover (ms after the SIGKILL; detection = unreachable, downing = unreachable → down, take-over = down → all active):");
        Report.AppendTable(text, ["", "N", "total", .. columns.Select(c => c.Header)], rows);
        text.AppendLine();
        text.AppendLine(single is { } median
            ? $"Single-node baseline, same invocation (PostgreSQL, {singleNode[0].Sessions} sessions, {singleNode.Count} run(s)): SIGKILL → restart → all active, median {median:0} ms " +
              $"(restart → healthy {Report.Median(singleNode.Select(r => r.RestartToHealthy.TotalMilliseconds)):0} ms, raw 1-socket {Report.Median(singleNode.Select(r => r.RawOneSocket.TotalMilliseconds)):0} ms)"
            : "No single-node baseline.");
        text.AppendLine($"'Reclaimed' log lines on the survivors per run (one per session when none was claimed twice): {string.Join(", ", failovers.Select(r => $"{r.ReclaimLines}/{r.Sessions}"))}");
        return text.ToString();
    }
}
