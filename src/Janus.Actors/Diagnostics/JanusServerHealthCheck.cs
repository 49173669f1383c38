using Janus.Actors.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// Janus answers <c>info</c> (<see cref="JanusServerProbe"/>): with several servers, at least one in service does (the
/// others' sessions wait and reclaim, and placement skips them; <c>GET /v1/servers</c> shows which). When healthy,
/// <see cref="HealthCheckResult.Data"/> holds what the first answering server said: <c>version</c>, <c>session_timeout</c>
/// and <c>reclaim_session_timeout</c> (seconds).
/// </summary>
internal sealed class JanusServerHealthCheck(IOptions<JanusSessionsOptions> options) : TimedHealthCheck(TimeSpan.FromSeconds(3))
{
    protected override string Subject => "Janus";

    protected override async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        var janus = options.Value.Janus;
        var servers = janus.EffectiveServers().Where(server => !server.Retired).ToList();
        var answers = await Task.WhenAll(servers.Select(server => AskAsync(janus.ForServer(server), cancellationToken))).ConfigureAwait(false);
        if (answers.FirstOrDefault(answer => answer.Info is not null).Info is not { } info)
            return new HealthCheckResult(failure, string.Join("; ", answers.Select(answer => answer.Problem)));
        var silent = servers.Zip(answers, (server, answer) => (server.Name, answer.Info)).Where(pair => pair.Info is null).Select(pair => pair.Name).ToList();
        return HealthCheckResult.Healthy(
            silent.Count == 0 ? $"Janus {info.Version} answers" : $"Janus answers on {servers.Count - silent.Count} of {servers.Count} servers (not: {string.Join(", ", silent)})",
            new Dictionary<string, object>
            {
                [JanusHealthChecks.VersionKey] = info.Version ?? "",
                [JanusHealthChecks.SessionTimeoutKey] = info.SessionTimeoutSeconds,
                [JanusHealthChecks.ReclaimSessionTimeoutKey] = info.ReclaimSessionTimeoutSeconds,
            });
    }

    private static async Task<(JanusServerInfo? Info, string? Problem)> AskAsync(JanusOptions server, CancellationToken cancellationToken)
    {
        try
        {
            return (await JanusServerProbe.InfoAsync(server, cancellationToken).ConfigureAwait(false), null);
        }
        catch (JanusServerUnavailableException e)
        {
            return (null, e.Message);
        }
    }
}
