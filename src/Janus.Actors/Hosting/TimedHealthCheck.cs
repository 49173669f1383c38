using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Janus.Actors.Hosting;

/// <summary>A health check that gives its subject <paramref name="patience"/> to answer, and says so when it does not.</summary>
internal abstract class TimedHealthCheck(TimeSpan patience) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        try
        {
            return await CheckAsync(context.Registration.FailureStatus, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or AskTimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{Subject} did not answer within {patience.TotalSeconds:0} s");
        }
    }

    /// <summary>What is checked, as the failure names it (e.g. <c>the session registry</c>).</summary>
    protected abstract string Subject { get; }

    /// <summary>The check itself; <paramref name="failure"/> is the status its registration reports for a failure.</summary>
    protected abstract Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken);
}
