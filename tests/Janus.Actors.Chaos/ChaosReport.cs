using System.Globalization;

namespace Janus.Actors.Chaos;

/// <summary>The run's report: a text summary (printed and report.txt), report.json, and timeline.html a person can look at.</summary>
public static class ChaosReport
{
    public static string Write(ChaosResult result)
    {
        var folder = result.Options.ReportFolder;
        Directory.CreateDirectory(folder);
        var text = Text(result);
        File.WriteAllText(Path.Combine(folder, "report.txt"), text);
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(folder, "timeline.html"), TimelinePage.Render(result));
        return text;
    }

    private static string Text(ChaosResult r)
    {
        var s = new StringBuilder();
        var minutes = (r.End - r.Start).TotalMinutes;
        s.AppendLine(Inv($"Chaos soak — {r.Options}; ran {minutes:0.0} min, load now {ProcessReadings.Load():0.0}"));
        s.AppendLine(Inv($"Faults: {r.Faults.Count} in {r.Faults.Select(f => f.Episode).Distinct().Count()} episodes"));
        foreach (var kind in r.Kinds)
            s.AppendLine(Inv($"  {kind,-16} {r.Faults.Count(f => f.Fault.Kind == kind),5}"));
        s.AppendLine("Operations        attempted  acknowledged  failed   p50 ms   p99 ms");
        foreach (var group in r.Operations.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var took = group.Where(o => o.Acknowledged).Select(o => o.Took.TotalMilliseconds).Order().ToList();
            s.AppendLine(Inv($"  {group.Key,-15} {group.Count(),9}  {group.Count(o => o.Acknowledged),12}  {group.Count(o => !o.Acknowledged),6}  {Percentile(took, 0.5),7:0}  {Percentile(took, 0.99),7:0}"));
        }
        s.AppendLine("Why operations failed (during faults; a failure is never a violation by itself):");
        foreach (var reason in r.Operations.Where(o => !o.Acknowledged).GroupBy(o => $"{o.Kind}: {o.Reason}").OrderByDescending(g => g.Count()).Take(12))
            s.AppendLine(Inv($"  {reason.Count(),6}  {reason.Key}"));
        var settles = r.Checkpoints.Where(c => c.Settled is not null).Select(c => c.Settled!.Value.TotalSeconds).Order().ToList();
        s.AppendLine(Inv($"Settled after an episode: median {Percentile(settles, 0.5):0.0} s, max {(settles.Count == 0 ? 0 : settles[^1]):0.0} s"));
        s.AppendLine(Inv($"Witness (Janus's event handler): {r.Witnessed.Count} session events — ") +
                     string.Join(", ", r.Witnessed.GroupBy(e => e.Name).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")) +
                     Inv($"; unreadable posts {r.WitnessMalformed}"));
        s.AppendLine(Inv($"Wire (what the hosts sent Janus, read off the proxies): {r.WireVerbs.Values.Sum()} requests — ") +
                     string.Join(", ", r.WireVerbs.OrderByDescending(v => v.Value).Select(v => $"{v.Key} {v.Value}")) +
                     Inv($"; not traced to a host {r.WireUnattributed}"));
        if (r.Checkpoints.Count > 0)
        {
            var first = r.Checkpoints[0];
            var last = r.Checkpoints[^1];
            s.AppendLine(Inv($"Levels (first → last checkpoint): host open files {first.HostOpenFiles} → {last.HostOpenFiles}, host RSS {first.HostMiB:0} → {last.HostMiB:0} MiB (max {r.Checkpoints.Max(c => c.HostMiB):0}), ") +
                         $"Janus open files {string.Join("/", first.JanusOpenFiles)} → {string.Join("/", last.JanusOpenFiles)}, live sessions {first.LiveSessions} → {last.LiveSessions}");
        }
        s.AppendLine(Inv($"Violations: {r.Violations.Count}"));
        foreach (var v in r.Violations)
            s.AppendLine(Inv($"  +{(v.At - r.Start).TotalSeconds:0}s episode {v.Episode} [{v.Rule}] {v.Detail}"));
        if (r.Violations.Count > 0)
            s.AppendLine(Inv($"Reproduce: ./build.sh chaos --seed {r.Options.Seed} --minutes {r.Options.Minutes}{(r.Options.Standby ? " --standby" : "")}{(r.Options.Cluster ? " --cluster" : "")}"));
        s.AppendLine($"Report: {Path.GetFullPath(r.Options.ReportFolder)} (report.txt, report.json, timeline.html, host and Janus logs)");
        return s.ToString();
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
