using Janus.Actors.Servers;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>The server's <c>session_timeout</c> and <c>reclaim_session_timeout</c>, as <c>info</c> reports them (0 = off).</summary>
internal sealed record ServerTimeouts(TimeSpan Session, TimeSpan Reclaim)
{
    public static ServerTimeouts From(JanusServerInfo info) =>
        new(TimeSpan.FromSeconds(info.SessionTimeoutSeconds), TimeSpan.FromSeconds(info.ReclaimSessionTimeoutSeconds));

    /// <summary>
    /// Keep-alives must land well inside both windows: on Janus 1.1.2 the reclaim window counts from the
    /// session's last request, so a crash right after an idle stretch would otherwise leave no window at all.
    /// </summary>
    public TimeSpan KeepAlivePeriod(TimeSpan configured, JanusTransportKind transport)
    {
        var period = configured;
        if (Session > TimeSpan.Zero) period = Min(period, Session / 3);
        if (Reclaim > TimeSpan.Zero && transport == JanusTransportKind.WebSocket) period = Min(period, Reclaim / 3);
        return period;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
