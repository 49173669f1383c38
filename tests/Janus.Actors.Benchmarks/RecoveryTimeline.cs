using System.Globalization;
using System.Text.RegularExpressions;

namespace Janus.Actors.Benchmarks;

/// <summary>
/// Where a restarted host spends its time, read from its own log lines (<c>[HH:mm:ss.fff LVL] Source: message</c>,
/// see HostLogging) and from the benchmark's polls. Every offset counts from the moment the process was launched;
/// null when the host never logged that step. Log timestamps have millisecond resolution; poll-based ones are late
/// by up to one poll period.
/// </summary>
public sealed partial record RecoveryTimeline(
    TimeSpan? FirstLogLine,
    TimeSpan? HostBuilt,
    TimeSpan? Listening,
    TimeSpan? ApplicationStarted,
    TimeSpan? Healthy,
    TimeSpan? ScanCompleted,
    TimeSpan? FirstReclaimLogged,
    TimeSpan? HalfReclaimedLogged,
    TimeSpan? LastReclaimLogged,
    TimeSpan? FirstActiveSeen,
    TimeSpan? HalfActiveSeen,
    TimeSpan? AllActiveSeen,
    int ReclaimLines,
    int RetryWarnings,
    int Warnings,
    int Errors)
{
    /// <summary>The steps in the order a recovery goes through them, for the report.</summary>
    public IEnumerable<(string Step, TimeSpan? Offset)> Steps() =>
    [
        ("first host log line (runtime + DI up)", FirstLogLine),
        ("host built ('Starting with')", HostBuilt),
        ("Kestrel listening", Listening),
        ("'Application started'", ApplicationStarted),
        ("/healthz 200 (poll)", Healthy),
        ("journal scan done ('Journal scanned')", ScanCompleted),
        ("first 'Reclaimed' logged", FirstReclaimLogged),
        ("half 'Reclaimed' logged", HalfReclaimedLogged),
        ("last 'Reclaimed' logged", LastReclaimLogged),
        ("first session active (poll)", FirstActiveSeen),
        ("half sessions active (poll)", HalfActiveSeen),
        ("all sessions active (poll)", AllActiveSeen),
    ];

    /// <param name="log">What the host printed since this launch.</param>
    /// <param name="launchedAt">Wall-clock time of the launch, as the host's log timestamps are.</param>
    /// <param name="polled">The benchmark's observations: health, first/half/all sessions active.</param>
    public static RecoveryTimeline Parse(string log, DateTime launchedAt, PolledMilestones polled)
    {
        var lines = log.Split('\n')
            .Select(line => LogLine().Match(line))
            .Where(match => match.Success)
            .Select(match => (
                At: Offset(match.Groups["time"].Value, launchedAt),
                Level: match.Groups["level"].Value,
                Text: match.Groups["text"].Value))
            .ToList();

        TimeSpan? First(string text) => lines.Where(l => l.Text.Contains(text, StringComparison.Ordinal)).Select(l => (TimeSpan?)l.At).FirstOrDefault();

        var reclaims = lines.Where(l => l.Text.Contains("Reclaimed Janus session for", StringComparison.Ordinal)).Select(l => l.At).ToList();
        return new RecoveryTimeline(
            FirstLogLine: lines.Select(l => (TimeSpan?)l.At).FirstOrDefault(),
            HostBuilt: First("Starting with"),
            Listening: First("Now listening on"),
            ApplicationStarted: First("Application started"),
            Healthy: polled.Healthy,
            ScanCompleted: First("Journal scanned:"),
            FirstReclaimLogged: reclaims.Count > 0 ? reclaims[0] : null,
            HalfReclaimedLogged: reclaims.Count > 0 ? reclaims[(reclaims.Count - 1) / 2] : null,
            LastReclaimLogged: reclaims.Count > 0 ? reclaims[^1] : null,
            FirstActiveSeen: polled.FirstActive,
            HalfActiveSeen: polled.HalfActive,
            AllActiveSeen: polled.AllActive,
            ReclaimLines: reclaims.Count,
            RetryWarnings: lines.Count(l => l.Text.Contains("failed (retrying", StringComparison.Ordinal)),
            Warnings: lines.Count(l => l.Level == "WRN"),
            Errors: lines.Count(l => l.Level is "ERR" or "FTL"));
    }

    /// <summary>A log time of day as an offset from the launch (a run never spans more than a few minutes).</summary>
    private static TimeSpan Offset(string timeOfDay, DateTime launchedAt)
    {
        var offset = TimeSpan.ParseExact(timeOfDay, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture) - launchedAt.TimeOfDay;
        if (offset < TimeSpan.FromHours(-12)) offset += TimeSpan.FromDays(1); // across midnight
        return offset;
    }

    [GeneratedRegex(@"^\[(?<time>\d\d:\d\d:\d\d\.\d{3}) (?<level>[A-Z]{3})\] [^:]*: (?<text>.*)$")]
    private static partial Regex LogLine();
}

/// <summary>What the benchmark's polls saw, as offsets from the host's launch.</summary>
public sealed record PolledMilestones(TimeSpan? Healthy, TimeSpan? FirstActive, TimeSpan? HalfActive, TimeSpan? AllActive);
