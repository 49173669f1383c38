using Janus.Actors.Servers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Janus.Actors.Hosting;

/// <summary>
/// Janus answers <c>info</c>, as the servers' homes last found it (every <see cref="JanusOptions.ServerProbeInterval"/>,
/// the same state <c>GET /v1/servers</c> shows): with several servers, at least one in service does (the others' sessions
/// wait and reclaim, and placement skips them). When healthy, <see cref="HealthCheckResult.Data"/> holds what the first
/// answering server said: <c>version</c>, <c>session_timeout</c> and <c>reclaim_session_timeout</c> (seconds).
/// </summary>
internal sealed class JanusServerHealthCheck(IJanusSessions sessions) : TimedHealthCheck(TimeSpan.FromSeconds(3))
{
    protected override string Subject => "the Janus servers' homes";

    protected override async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        var servers = (await sessions.ListServersAsync(cancellationToken).ConfigureAwait(false))
            .Where(server => server.State != JanusServerState.Retired).ToList();
        var answering = servers.Where(server => server is { Problem: null, Info: not null }).ToList();
        if (answering.Count == 0)
            return new HealthCheckResult(failure, string.Join("; ", servers.Select(server =>
                $"Janus server '{server.Name}': {server.Problem ?? "not probed yet"}")));
        var info = answering[0].Info!;
        var silent = servers.Except(answering).Select(server => server.Name).ToList();
        return HealthCheckResult.Healthy(
            silent.Count == 0 ? $"Janus {info.Version} answers" : $"Janus answers on {answering.Count} of {servers.Count} servers (not: {string.Join(", ", silent)})",
            new Dictionary<string, object>
            {
                [JanusHealthChecks.VersionKey] = info.Version ?? "",
                [JanusHealthChecks.SessionTimeoutKey] = info.SessionTimeoutSeconds,
                [JanusHealthChecks.ReclaimSessionTimeoutKey] = info.ReclaimSessionTimeoutSeconds,
            });
    }
}
