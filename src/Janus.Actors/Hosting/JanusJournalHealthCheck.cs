using Janus.Actors.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Hosting;

/// <summary>The journal answers <c>SELECT 1</c>; the description never shows the connection string.</summary>
internal sealed class JanusJournalHealthCheck(IOptions<JanusSessionsOptions> options) : TimedHealthCheck(TimeSpan.FromSeconds(5))
{
    protected override string Subject => $"the {options.Value.Journal}";

    protected override async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        try
        {
            await JanusPersistence.CheckAsync(options.Value.Journal, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{Subject} answers");
        }
        catch (JanusJournalUnavailableException e)
        {
            return new HealthCheckResult(failure, e.Message);
        }
    }
}
