using Akka.Event;
using Janus.Actors.Protocol;

namespace Janus.Actors.Servers;

/// <summary>
/// "This Janus server restarted", said once for the server instead of a line per session, from what its sessions tell
/// their server's home (<see cref="JanusServerActor"/>). A Janus restart ends every Janus session, so there are two signs:
/// sessions that Janus no longer knew right after answering them (<see cref="LostToRestart"/>, a restart while this
/// process ran), and, for the claims made after this process started, 458 to every one and no reclaim (a restart while
/// this process was away). News is gathered for a little over the longest reclaim backoff (sessions claim on their own
/// timers) and said when the gathering timer fires (<see cref="Say"/>).
/// </summary>
internal sealed class RestartNews(string server, ILoggingAdapter log)
{
    private readonly HashSet<string> _claiming = new(StringComparer.Ordinal);
    private int _reclaimed;
    private int _gone;
    private int _lostToRestart;
    private bool _startJudged;

    /// <summary>A session of this server began to reclaim (counted only until the claims since this start are judged).</summary>
    public void Claiming(string key)
    {
        if (!_startJudged) _claiming.Add(key);
    }

    /// <summary>Janus answered the claim: the session is back.</summary>
    public void Reclaimed(string key)
    {
        if (_claiming.Remove(key)) _reclaimed++;
    }

    /// <summary>The reclaim ended for good with <paramref name="code"/> (null: Janus unreachable for the whole window).</summary>
    public void Ended(string key, int? code)
    {
        if (_claiming.Remove(key) && code == (int)JanusErrorCode.SessionNotFound) _gone++;
    }

    /// <summary>A session Janus no longer knew right after answering it: the server restarted under it.</summary>
    public void LostToRestart() => _lostToRestart++;

    /// <summary>Whether <see cref="Say"/> has anything to say, now or once the claims under way are answered.</summary>
    public bool Gathering => _lostToRestart > 0 || (!_startJudged && (_claiming.Count > 0 || _reclaimed + _gone > 0));

    /// <summary>Says what was gathered: the restart under running sessions, and the judgement of the claims since this start once none is under way.</summary>
    public void Say()
    {
        if (_lostToRestart > 0)
            log.Warning("Janus server '{Server}' restarted: {Count} of its sessions ended lost (it no longer knew them right after " +
                        "answering them); sessions on the other servers are untouched", server, _lostToRestart);
        _lostToRestart = 0;
        if (_startJudged || _claiming.Count > 0 || _reclaimed + _gone == 0) return;
        _startJudged = true;
        if (_reclaimed == 0 && _gone >= 2)
            log.Warning("Janus server '{Server}' answered 458 No such session to all {Count} of its sessions claimed since this start: " +
                        "it appears to have restarted (a restart ends every Janus session)", server, _gone);
    }
}
