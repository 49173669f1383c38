using Akka.Event;
using Janus.Actors.Protocol;
using Janus.Actors.Sessions;

namespace Janus.Actors.Supervision;

/// <summary>
/// Notices, once per start, when Janus itself restarted while this process was away: a Janus restart ends every Janus
/// session, so every session claimed after the start answers 458. Each session is lost on its own (Janus said so); this
/// says why in one line instead of leaving an operator to infer it from a page of losses.
/// </summary>
internal sealed class JanusRestartWatch(ILoggingAdapter log)
{
    private readonly HashSet<string> _claiming = new();
    private int _reclaimed;
    private int _gone;
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
                _reclaimed++;
                break;
            case JanusSessionStatus.Lost when _claiming.Remove(info.Key):
                if (info.LastError?.Code == (int)JanusErrorCode.SessionNotFound) _gone++;
                break;
        }
        if (scanning || _claiming.Count > 0 || _reclaimed + _gone == 0) return;
        _done = true;
        if (_reclaimed == 0 && _gone >= 2)
            log.Warning("Janus answered 458 No such session to all {Count} sessions claimed since this start: Janus itself appears to have restarted (a restart ends every Janus session)", _gone);
    }
}
