using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Diagnostics;

/// <summary>The journal answers <c>SELECT 1</c>; the description never shows the connection string.</summary>
internal sealed class JanusJournalHealthCheck(IOptions<JanusSessionsOptions> options) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var journal = options.Value.Journal;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            await JanusPersistence.CheckAsync(journal, timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"the {journal} answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"the {journal} did not answer within {Patience.TotalSeconds:0} s");
        }
        catch (JanusJournalUnavailableException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
