using System.Globalization;

namespace Janus.Actors.Chaos;

/// <summary>
/// timeline.html: one SVG over the run's time — a lane per fault target with each fault as a bar, the host's sessions
/// by state, every operation's latency (acknowledged grey, failed red), and each violation as a red line. Hover for details.
/// </summary>
public static class TimelinePage
{
    private const int Width = 1400, Left = 90, LaneHeight = 18, ChartHeight = 180;

    private static readonly Dictionary<FaultKind, string> FaultColors = new()
    {
        [FaultKind.HostKill] = "#b30000", [FaultKind.HostFreeze] = "#e67e22", [FaultKind.JanusKill] = "#7b1fa2",
        [FaultKind.JanusFreeze] = "#ba68c8", [FaultKind.LinkCut] = "#1565c0", [FaultKind.LinkBlackhole] = "#000000",
        [FaultKind.LinkDelay] = "#64b5f6", [FaultKind.JournalFull] = "#795548", [FaultKind.PostgresRestart] = "#00897b",
    };

    private static readonly Dictionary<string, string> StateColors = new()
    {
        ["active"] = "#2e7d32", ["reclaiming"] = "#f9a825", ["creating"] = "#1e88e5", ["lost"] = "#c62828",
    };

    public static string Render(ChaosResult r)
    {
        var span = Math.Max(1, (r.End - r.Start).TotalSeconds);
        double X(DateTime at) => Left + (Width - Left - 10) * Math.Clamp((at - r.Start).TotalSeconds / span, 0, 1);
        var lanes = r.Faults.Select(f => f.Fault.TargetName).Distinct().Order(StringComparer.Ordinal).ToList();
        var svg = new StringBuilder();
        var y = 20;
        foreach (var lane in lanes)
        {
            svg.Append(Inv($"<text x='4' y='{y + 13}'>{lane}</text>"));
            foreach (var f in r.Faults.Where(f => f.Fault.TargetName == lane))
            {
                var x = X(f.Start);
                svg.Append(Inv($"<rect x='{x:0.0}' y='{y + 2}' width='{Math.Max(2, X(f.End) - x):0.0}' height='{LaneHeight - 4}' fill='{FaultColors[f.Fault.Kind]}'><title>episode {f.Episode}: {Escape(f.Fault.ToString())}</title></rect>"));
            }
            y += LaneHeight;
        }

        y += 20;
        var maxSessions = Math.Max(1, r.Samples.SelectMany(s => StateColors.Keys.Select(state => s.States.GetValueOrDefault(state))).DefaultIfEmpty(1).Max());
        svg.Append(Inv($"<text x='4' y='{y + 12}'>sessions</text><text x='4' y='{y + 28}' font-size='10'>by state</text>"));
        // A line per state, broken where no host answered (killed, frozen): no reading is not zero sessions.
        var runs = new List<List<Sample>>();
        foreach (var sample in r.Samples)
        {
            if (sample.States.Count == 0) runs.Add([]);
            else if (runs.Count == 0) runs.Add([sample]);
            else runs[^1].Add(sample);
        }
        foreach (var (state, color) in StateColors)
            foreach (var run in runs.Where(run => run.Count > 0))
            {
                var points = string.Join(" ", run.Select(s => Inv($"{X(s.At):0.0},{y + ChartHeight - ChartHeight * s.States.GetValueOrDefault(state) / (double)maxSessions:0.0}")));
                svg.Append($"<polyline fill='none' stroke='{color}' stroke-width='1.5' points='{points}'><title>{state}</title></polyline>");
            }
        svg.Append(Inv($"<text x='{Left - 30}' y='{y + 10}' font-size='10'>{maxSessions}</text>"));
        y += ChartHeight + 20;

        var slowest = Math.Max(10, r.Operations.Select(o => o.Took.TotalMilliseconds).DefaultIfEmpty(10).Max());
        svg.Append(Inv($"<text x='4' y='{y + 12}'>operation</text><text x='4' y='{y + 28}' font-size='10'>latency (log)</text>"));
        foreach (var o in r.Operations)
        {
            var height = ChartHeight * Math.Log10(1 + o.Took.TotalMilliseconds) / Math.Log10(1 + slowest);
            svg.Append(Inv($"<circle cx='{X(o.At):0.0}' cy='{y + ChartHeight - height:0.0}' r='1.6' fill='{(o.Acknowledged ? "#9e9e9e" : "#d32f2f")}'><title>{o.Kind} {Escape(o.Key)}: {o.Took.TotalMilliseconds:0} ms {Escape(o.Reason ?? "")}</title></circle>"));
        }
        svg.Append(Inv($"<text x='{Left - 40}' y='{y + 10}' font-size='10'>{slowest:0} ms</text>"));
        y += ChartHeight + 10;

        foreach (var v in r.Violations)
            svg.Append(Inv($"<line x1='{X(v.At):0.0}' x2='{X(v.At):0.0}' y1='0' y2='{y}' stroke='red' stroke-width='2'><title>{v.Rule}: {Escape(v.Detail)}</title></line>"));
        for (var t = 0; t <= span; t += Math.Max(10, (int)(span / 12) / 10 * 10))
            svg.Append(Inv($"<text x='{Left + (Width - Left - 10) * t / span:0}' y='{y + 12}' font-size='10'>{t} s</text>"));

        var legend = string.Join(" ", FaultColors.Where(c => r.Kinds.Contains(c.Key)).Select(c => $"<span style='color:{c.Value}'>■ {c.Key}</span>"))
                     + " &nbsp; " + string.Join(" ", StateColors.Select(c => $"<span style='color:{c.Value}'>— {c.Key}</span>"));
        return $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Janus.Actors chaos soak, seed {r.Options.Seed}</title>
            <style>body{"{"}font-family:sans-serif;font-size:13px{"}"} svg text{"{"}font-size:12px{"}"}</style></head><body>
            <h3>Chaos soak: {Escape(r.Options.ToString())} — {r.Faults.Count} faults, {r.Operations.Count} operations, {r.Violations.Count} violations</h3>
            <p>{legend}</p>
            <svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{y + 20}">{svg}</svg>
            </body></html>
            """;
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
