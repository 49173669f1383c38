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
        var answers = await JanusServerProbe.InfoOfEachAsync(options.Value.Janus, cancellationToken).ConfigureAwait(false);
        if (answers.FirstOrDefault(answer => answer.Info is not null)?.Info is not { } info)
            return new HealthCheckResult(failure, string.Join("; ", answers.Select(answer => answer.Problem)));
        var silent = answers.Where(answer => answer.Info is null).Select(answer => answer.Server.Name).ToList();
        return HealthCheckResult.Healthy(
            silent.Count == 0 ? $"Janus {info.Version} answers" : $"Janus answers on {answers.Count - silent.Count} of {answers.Count} servers (not: {string.Join(", ", silent)})",
            new Dictionary<string, object>
            {
                [JanusHealthChecks.VersionKey] = info.Version ?? "",
                [JanusHealthChecks.SessionTimeoutKey] = info.SessionTimeoutSeconds,
                [JanusHealthChecks.ReclaimSessionTimeoutKey] = info.ReclaimSessionTimeoutSeconds,
            });
    }
}
