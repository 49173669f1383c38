using Akka.Actor;
using Akka.Hosting;
using Janus.Actors.Registry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Janus.Actors.Hosting;

/// <summary>
/// The sessions can be served: on a single node every persisted session is registered after a start (until then a
/// request for one waits), and the process is not a standby; on a cluster node the node is an up member.
/// </summary>
internal sealed class JanusSessionsHealthCheck(IRequiredActor<IJanusSessions> sessions) : TimedHealthCheck(TimeSpan.FromSeconds(3))
{
    protected override string Subject => "the session registry";

    protected override async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        var registry = await sessions.GetAsync(cancellationToken).ConfigureAwait(false);
        var readiness = await registry.Ask<SessionRegistryProtocol.Readiness>(SessionRegistryProtocol.GetReadiness.Instance, cancellationToken)
            .ConfigureAwait(false);
        return readiness.NotReadyReason is { } reason
            ? new HealthCheckResult(failure, reason)
            : HealthCheckResult.Healthy("every persisted session is registered");
    }
}
