using Akka.Actor;
using Akka.Event;

namespace Janus.Actors.Servers;

/// <summary>
/// What a registry says about whole servers, once each, instead of a line per session: a server that restarted (its
/// sessions lost, the others untouched), and sessions left in the journal on a server the configuration no longer has —
/// the node then stops (<see cref="JanusServerRemovedReason"/>) rather than lose them or claim them on the wrong server.
/// </summary>
/// <param name="log">The registry's log.</param>
/// <param name="system">Stopped (<see cref="CoordinatedShutdown"/>) when sessions live on a server no longer configured.</param>
/// <param name="gathering">
/// How long news about a server is gathered before it is said: the sessions of a restarted server claim on their own
/// backoff timers, so a little over the longest backoff covers them all.
/// </param>
internal sealed class JanusServerWatch(ILoggingAdapter log, ActorSystem system, TimeSpan gathering)
{
    /// <summary>The timer that gathers a burst of news about one server into one line.</summary>
    internal sealed record Report(bool Restart, string Server) : INoSerializationVerificationNeeded;

    private readonly Dictionary<string, int> _lostToRestart = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _stranded = new(StringComparer.Ordinal);
    private bool _stopping;

    public void LostToRestart(string server, ITimerScheduler timers)
    {
        _lostToRestart[server] = _lostToRestart.GetValueOrDefault(server) + 1;
        var report = new Report(true, server);
        if (!timers.IsTimerActive(report)) timers.StartSingleTimer(report, report, gathering);
    }

    public void Stranded(string server, ITimerScheduler timers)
    {
        _stranded[server] = _stranded.GetValueOrDefault(server) + 1;
        var report = new Report(false, "");
        if (!timers.IsTimerActive(report)) timers.StartSingleTimer(report, report, gathering);
    }

    /// <param name="report">The timer.</param>
    /// <param name="timers">The registry's timers.</param>
    /// <param name="recovering">Sessions of the start-up scan have not all reported yet: stranded ones are counted when they have.</param>
    public void OnReport(Report report, ITimerScheduler timers, bool recovering)
    {
        if (report.Restart)
        {
            if (_lostToRestart.Remove(report.Server, out var lost))
                log.Warning("Janus server '{Server}' restarted: {Count} of its sessions ended lost (it no longer knew them right after " +
                            "answering them); sessions on the other servers are untouched", report.Server, lost);
            return;
        }
        if (recovering)
        {
            timers.StartSingleTimer(report, report, gathering);
            return;
        }
        if (_stopping) return;
        _stopping = true;
        log.Error("The journal holds live sessions on Janus servers the configuration does not have ({Servers}): stopping. " +
                  "Add each server back to Janus:Servers, or keep it there with Retired: true to end its sessions as lost",
            string.Join("; ", _stranded.Select(s => $"'{s.Key}': {s.Value} sessions")));
        CoordinatedShutdown.Get(system).Run(JanusServerRemovedReason.Instance);
    }
}

/// <summary>
/// Why a node stopped at start-up: its journal holds live sessions on a Janus server that is no longer configured (nor
/// marked retired). Read it from <c>CoordinatedShutdown.Get(system).ShutdownReason</c> to exit with a configuration error.
/// </summary>
public sealed class JanusServerRemovedReason : CoordinatedShutdown.Reason
{
    public static readonly JanusServerRemovedReason Instance = new();

    private JanusServerRemovedReason()
    {
    }

    /// <summary>2: the configuration cannot work with this journal (the host's exit code for configuration errors).</summary>
    public override int ExitCode => 2;
}
