using System.Globalization;
using System.Text;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// The result tables: per journal every run, then median, min and max of each column. Ratios compare the library with
/// the raw baselines of the same run, so a noisy, shared machine moves both sides of each ratio together.
/// </summary>
public static class Report
{
    private static readonly (string Header, Func<RunResult, double> Value, string Format)[] Columns =
    [
        ("restart→healthy ms", r => r.RestartToHealthy.TotalMilliseconds, "0"),
        ("SIGKILL→all-active ms", r => r.KillToAllActive.TotalMilliseconds, "0"),
        ("SIGKILL→handles resynced ms", r => r.KillToAllResynced?.TotalMilliseconds ?? double.NaN, "0"),
        ("all active→handles resynced ms", r => (r.KillToAllResynced - r.KillToAllActive)?.TotalMilliseconds ?? double.NaN, "0"),
        ("sessions/s", r => r.SessionsPerSecond, "0"),
        ("raw claims ms", r => r.RawOneSocket.TotalMilliseconds, "0"),
        ("lib/raw", r => r.RatioToOneSocket, "0.0"),
        ("load", r => r.Load, "0.00"),
        ("RSS KiB/session", r => r.RssPerSessionKiB, "0.0"),
        ("Janus HTTP conns peak", r => r.JanusHttpConnectionsPeak, "0"),
        ("SIGKILL→REST events flow ms", r => r.KillToRestEventsFlow?.TotalMilliseconds ?? double.NaN, "0"),
        ("REST echo p50 ms", r => r.RestEcho?.Median.TotalMilliseconds ?? double.NaN, "0.0"),
        ("REST echo p95 ms", r => r.RestEcho?.P95.TotalMilliseconds ?? double.NaN, "0.0"),
    ];

    public static string Format(IReadOnlyList<RunResult> results)
    {
        var text = new StringBuilder();
        var rows = new List<string[]>();
        foreach (var journal in results.GroupBy(r => (r.Journal, r.Sessions, r.Servers)))
        {
            var runs = journal.ToList();
            var name = BenchmarkOptions.Name(journal.Key.Journal) + (journal.Key.Servers > 1 ? $" ×{journal.Key.Servers} Janus" : "") +
                       $" {BenchmarkOptions.Name(journal.First().Transport)}";
            var n = journal.Key.Sessions.ToString(CultureInfo.InvariantCulture);
            rows.AddRange(runs.Select(r => Row(name, n, $"run {r.Run}", Columns.Select(c => Cell(c.Value(r), c.Format)))));
            rows.Add(Row(name, n, "median", Columns.Select(c => Cell(Median(runs.Select(c.Value)), c.Format))));
            rows.Add(Row(name, n, "min", Columns.Select(c => Cell(runs.Min(c.Value), c.Format))));
            rows.Add(Row(name, n, "max", Columns.Select(c => Cell(runs.Max(c.Value), c.Format))));
        }
        AppendTable(text, ["journal", "N", "", .. Columns.Select(c => c.Header)], rows);
        AppendServers(text, results);

        text.AppendLine();
        text.AppendLine("Where the restart's time goes (median ms after the host process was launched; from its log and the polls):");
        var timelineRows = new List<string[]>();
        var steps = results[0].Timeline.Steps().Select(s => s.Step).ToList();
        var groups = results.GroupBy(r => BenchmarkOptions.Name(r.Journal)).ToList();
        foreach (var (step, index) in steps.Select((s, i) => (s, i)))
        {
            timelineRows.Add([step, .. groups.Select(g =>
            {
                var offsets = g.Select(r => r.Timeline.Steps().ElementAt(index).Offset).OfType<TimeSpan>().Select(t => t.TotalMilliseconds).ToList();
                return offsets.Count == 0 ? "-" : Median(offsets).ToString("0", CultureInfo.InvariantCulture);
            })]);
        }
        timelineRows.Add(["failed claims retried (sum)", .. groups.Select(g => g.Sum(r => r.Timeline.RetryWarnings).ToString(CultureInfo.InvariantCulture))]);
        timelineRows.Add(["warnings / errors (sum)", .. groups.Select(g => $"{g.Sum(r => r.Timeline.Warnings)} / {g.Sum(r => r.Timeline.Errors)}")]);
        AppendTable(text, ["step", .. groups.Select(g => g.Key)], timelineRows);
        return text.ToString();
    }

    /// <summary>With several servers: placement's spread, and the recovery against one server's in the same invocation.</summary>
    private static void AppendServers(StringBuilder text, IReadOnlyList<RunResult> results)
    {
        foreach (var several in results.Where(r => r.Servers > 1).GroupBy(r => r.Journal))
        {
            var spread = several.First().Spread;
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{BenchmarkOptions.Name(several.Key)}: placement of {several.First().Sessions} creates over " +
                $"{spread.Count} servers: {string.Join(", ", spread.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))} (max/min {(double)spread.Values.Max() / spread.Values.Min():0.00})");
            if (results.Where(r => r.Servers == 1 && r.Journal == several.Key).ToList() is { Count: > 0 } one)
            {
                double many = Median(several.Select(r => r.KillToAllActive.TotalMilliseconds)), single = Median(one.Select(r => r.KillToAllActive.TotalMilliseconds));
                text.AppendLine(CultureInfo.InvariantCulture, $"{BenchmarkOptions.Name(several.Key)}: SIGKILL→all-active median with {spread.Count} servers {many:0} ms, " +
                    $"with 1 server {single:0} ms ({many / single:0.00}×)");
            }
        }
    }

    private static string[] Row(string journal, string n, string label, IEnumerable<string> values) => [journal, n, label, .. values];

    /// <summary>A number, or "-" for one the run does not have (a REST figure without REST sessions).</summary>
    private static string Cell(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A plain-text table: first column left-aligned, numbers right-aligned.</summary>
    internal static void AppendTable(StringBuilder text, string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        text.AppendLine(Line(header));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
            text.AppendLine(Line(row));
    }
}
