using Akka.Actor;
using Akka.Hosting;
using Janus.Actors.Hosting;
using Janus.Actors.Supervision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Janus.Actors.Diagnostics;

/// <summary>
/// The sessions can be served: on a single node every persisted session is registered after a start (until then a
/// request for one waits), and the process is not a standby; on a cluster node the node is an up member.
/// </summary>
internal sealed class JanusSessionsHealthCheck(IRequiredActor<IJanusSessions> sessions) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            var registry = await sessions.GetAsync(timeout.Token).ConfigureAwait(false);
            var readiness = await registry.Ask<SessionRegistryProtocol.Readiness>(SessionRegistryProtocol.GetReadiness.Instance, timeout.Token)
                .ConfigureAwait(false);
            return readiness.NotReadyReason is { } reason
                ? new HealthCheckResult(context.Registration.FailureStatus, reason)
                : HealthCheckResult.Healthy("every persisted session is registered");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or AskTimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"the session supervisor did not answer within {Patience.TotalSeconds:0} s");
        }
    }
}
