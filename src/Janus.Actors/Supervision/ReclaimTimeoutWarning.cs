using Akka.Event;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Supervision;

/// <summary>Warns once per Janus server when its <c>info</c> says WebSocket sessions cannot survive a crash.</summary>
internal sealed class ReclaimTimeoutWarning(ILoggingAdapter log)
{
    private readonly HashSet<string> _logged = new();

    public void Check(ServerInfoLearned info)
    {
        if (info.ReclaimSessionTimeoutSeconds > 0 || !_logged.Add(info.Server)) return;
        log.Warning("Janus server '{Server}' reports reclaim_session_timeout = 0: it destroys a WebSocket session as soon as its socket closes, " +
                    "so WebSocket sessions cannot survive a crash of this process. Set reclaim_session_timeout in its janus.jcfg.", info.Server);
    }
}
