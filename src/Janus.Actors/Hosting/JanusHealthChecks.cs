using Janus.Actors.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Janus.Actors.Hosting;

/// <summary>
/// ASP.NET Core / generic-host health checks of the sessions, for readiness probes: register them with
/// <c>services.AddHealthChecks().AddJanusSessionChecks("ready")</c> beside <c>AddJanusSessions</c>, and map them with
/// <c>app.MapHealthChecks("/ready", new() { Predicate = check => check.Tags.Contains("ready") })</c>. None of them says
/// anything about one session or shows a Janus session id or a secret. None belongs in a liveness probe: an outage of
/// the journal or of Janus is not cured by restarting this process, and the sessions ride it out by themselves.
/// </summary>
public static class JanusHealthChecks
{
    /// <summary>The journal answers <c>SELECT 1</c> (within 5 s).</summary>
    public const string Journal = "janus-journal";

    /// <summary>Janus answers <c>info</c> (its servers' last probe, as <c>GET /v1/servers</c> shows it); its data holds <see cref="VersionKey"/>, <see cref="SessionTimeoutKey"/>, <see cref="ReclaimSessionTimeoutKey"/>.</summary>
    public const string Server = "janus-server";

    /// <summary>Every persisted session is registered after a start and this process is not a standby; on a cluster node, the node is up.</summary>
    public const string Sessions = "janus-sessions";

    /// <summary>Key of Janus's version in <see cref="Server"/>'s data.</summary>
    public const string VersionKey = "version";

    /// <summary>Key of Janus's <c>session_timeout</c> (seconds) in <see cref="Server"/>'s data.</summary>
    public const string SessionTimeoutKey = "session_timeout";

    /// <summary>Key of Janus's <c>reclaim_session_timeout</c> (seconds) in <see cref="Server"/>'s data.</summary>
    public const string ReclaimSessionTimeoutKey = "reclaim_session_timeout";

    /// <summary>Adds <see cref="Journal"/>, <see cref="Server"/> and <see cref="Sessions"/>, each with <paramref name="tags"/>.</summary>
    public static IHealthChecksBuilder AddJanusSessionChecks(this IHealthChecksBuilder builder, params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddCheck<JanusJournalHealthCheck>(Journal, tags: tags)
            .AddCheck<JanusServerHealthCheck>(Server, tags: tags)
            .AddCheck<JanusSessionsHealthCheck>(Sessions, tags: tags);
    }
}
