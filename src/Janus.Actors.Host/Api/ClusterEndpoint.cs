using Akka.Actor;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /v1/cluster</c> (cluster mode only; needs the API token): how this node sees the cluster — for operators,
/// scripts waiting for a cluster to form, and failover tests.
/// </summary>
public static class ClusterEndpoint
{
    public static IEndpointRouteBuilder MapClusterEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/cluster", (ActorSystem system) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var state = cluster.State;
            var response = new ClusterResponse(
                Node(cluster.SelfAddress),
                state.Leader is { } leader ? Node(leader) : null,
                state.Members.Select(m => new ClusterMemberResponse(Node(m.Address), m.Status.ToString().ToLowerInvariant())).ToArray(),
                state.Unreachable.Select(m => Node(m.Address)).ToArray());
            return TypedResults.Json(response, HostJsonContext.Api.ClusterResponse);
        }).WithTags("Cluster").WithName("ClusterMembership").WithSummary("The cluster's members as this node sees them (cluster mode only)")
            .Produces<ClusterResponse>();
        return app;
    }

    /// <summary>A member address as sessions show their node: <c>host:port</c>.</summary>
    public static string Node(Address address) => $"{address.Host}:{address.Port}";
}
