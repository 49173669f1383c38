using Akka.Event;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Supervision;

/// <summary>Warns once per registry when Janus's <c>info</c> says WebSocket sessions cannot survive a crash.</summary>
internal sealed class ReclaimTimeoutWarning(ILoggingAdapter log)
{
    private bool _logged;

    public void Check(ServerInfoLearned info)
    {
        if (info.ReclaimSessionTimeoutSeconds > 0 || _logged) return;
        _logged = true;
        log.Warning("Janus reports reclaim_session_timeout = 0: it destroys a WebSocket session as soon as its socket closes, " +
                    "so WebSocket sessions cannot survive a crash of this process. Set reclaim_session_timeout in janus.jcfg.");
    }
}
