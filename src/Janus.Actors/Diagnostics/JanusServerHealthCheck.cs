using Janus.Actors.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// Janus answers <c>info</c> (<see cref="JanusServerProbe"/>). When healthy, <see cref="HealthCheckResult.Data"/> holds
/// what it said: <c>version</c>, <c>session_timeout</c> and <c>reclaim_session_timeout</c> (seconds).
/// </summary>
internal sealed class JanusServerHealthCheck(IOptions<JanusSessionsOptions> options) : TimedHealthCheck(TimeSpan.FromSeconds(3))
{
    protected override string Subject => "Janus";

    protected override async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        try
        {
            var info = await JanusServerProbe.InfoAsync(options.Value.Janus, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Janus {info.Version} answers", new Dictionary<string, object>
            {
                [JanusHealthChecks.VersionKey] = info.Version ?? "",
                [JanusHealthChecks.SessionTimeoutKey] = info.SessionTimeoutSeconds,
                [JanusHealthChecks.ReclaimSessionTimeoutKey] = info.ReclaimSessionTimeoutSeconds,
            });
        }
        catch (JanusServerUnavailableException e)
        {
            return new HealthCheckResult(failure, e.Message);
        }
    }
}
