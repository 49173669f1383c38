using Akka.Actor;
using Akka.Event;
using Janus.Actors.Servers;

namespace Janus.Actors.Registry;

/// <summary>
/// Sessions left in the journal on a Janus server the configuration no longer has (they have no server's home to go to):
/// said once, after the start-up scan, and then the node stops (<see cref="JanusServerRemovedReason"/>) rather than lose
/// them or claim them on the wrong server.
/// </summary>
/// <param name="log">The registry's log.</param>
/// <param name="system">Stopped (<see cref="CoordinatedShutdown"/>) when sessions live on a server no longer configured.</param>
/// <param name="gathering">How long reports are gathered before they are said.</param>
internal sealed class StrandedSessions(ILoggingAdapter log, ActorSystem system, TimeSpan gathering)
{
    /// <summary>The timer that gathers the reports into one line.</summary>
    internal sealed record Report : INoSerializationVerificationNeeded
    {
        public static readonly Report Instance = new();
    }

    private readonly Dictionary<string, string> _stranded = new(StringComparer.Ordinal); // session key → its server
    private bool _stopping;

    /// <summary>A session reported on a server the configuration does not have (it waits, neither claimed nor ended).</summary>
    public void Stranded(string key, string server, ITimerScheduler timers)
    {
        _stranded[key] = server;
        if (!timers.IsTimerActive(Report.Instance)) timers.StartSingleTimer(Report.Instance, Report.Instance, gathering);
    }

    /// <param name="timers">The registry's timers.</param>
    /// <param name="recovering">Sessions of the start-up scan have not all reported yet: stranded ones are counted when they have.</param>
    public void OnReport(ITimerScheduler timers, bool recovering)
    {
        if (recovering)
        {
            timers.StartSingleTimer(Report.Instance, Report.Instance, gathering);
            return;
        }
        if (_stopping) return;
        _stopping = true;
        log.Error("The journal holds live sessions on Janus servers the configuration does not have ({Servers}): stopping. " +
                  "Add each server back to Janus:Servers, or keep it there with Retired: true to end its sessions as lost",
            string.Join("; ", _stranded.GroupBy(s => s.Value).Select(server => $"'{server.Key}': {server.Count()} sessions")));
        CoordinatedShutdown.Get(system).Run(JanusServerRemovedReason.Instance);
    }
}
