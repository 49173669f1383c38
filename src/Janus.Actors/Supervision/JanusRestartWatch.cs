using Akka.Event;
using Janus.Actors.Protocol;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>
/// Notices, once per start, when a Janus server itself restarted while this process was away: a Janus restart ends every
/// Janus session, so every session claimed on it after the start answers 458. Each session is lost on its own (Janus said
/// so); this says why in one line per server instead of leaving an operator to infer it from a page of losses.
/// </summary>
internal sealed class JanusRestartWatch(ILoggingAdapter log)
{
    private readonly HashSet<string> _claiming = new();
    private readonly Dictionary<string, (int Reclaimed, int Gone)> _servers = new(StringComparer.Ordinal);
    private bool _done;

    /// <summary>A session's new snapshot; <paramref name="scanning"/> while the start-up scan may still start sessions.</summary>
    public void Observe(JanusSessionInfo info, bool scanning)
    {
        if (_done) return;
        switch (info.State)
        {
            case JanusSessionStatus.Reclaiming:
                _claiming.Add(info.Key);
                break;
            case JanusSessionStatus.Active when _claiming.Remove(info.Key):
                var reclaimed = _servers.GetValueOrDefault(info.Server);
                _servers[info.Server] = reclaimed with { Reclaimed = reclaimed.Reclaimed + 1 };
                break;
            case JanusSessionStatus.Lost when _claiming.Remove(info.Key):
                var gone = _servers.GetValueOrDefault(info.Server);
                if (info.LastError?.Code == (int)JanusErrorCode.SessionNotFound) _servers[info.Server] = gone with { Gone = gone.Gone + 1 };
                break;
        }
        if (scanning || _claiming.Count > 0 || _servers.Count == 0) return;
        _done = true;
        foreach (var (server, (reclaimed, gone)) in _servers)
            if (reclaimed == 0 && gone >= 2)
                log.Warning("Janus server '{Server}' answered 458 No such session to all {Count} of its sessions claimed since this start: it appears to have restarted (a restart ends every Janus session)",
                    server, gone);
    }
}
