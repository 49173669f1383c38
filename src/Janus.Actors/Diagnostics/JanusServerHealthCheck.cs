using Janus.Actors.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// Janus answers <c>info</c> (<see cref="JanusServerProbe"/>). When healthy, <see cref="HealthCheckResult.Data"/> holds
/// what it said: <c>version</c>, <c>session_timeout</c> and <c>reclaim_session_timeout</c> (seconds).
/// </summary>
internal sealed class JanusServerHealthCheck(IOptions<JanusSessionsOptions> options) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            var info = await JanusServerProbe.InfoAsync(options.Value.Janus, timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"Janus {info.Version} answers", new Dictionary<string, object>
            {
                [JanusHealthChecks.VersionKey] = info.Version ?? "",
                [JanusHealthChecks.SessionTimeoutKey] = info.SessionTimeoutSeconds,
                [JanusHealthChecks.ReclaimSessionTimeoutKey] = info.ReclaimSessionTimeoutSeconds,
            });
        }
        catch (JanusServerUnavailableException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
