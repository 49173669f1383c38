using Akka.Cluster.Sharding;
using Janus.Actors.Sessions;

namespace Janus.Actors.Registry;

/// <summary>
/// Routes a session command to the entity named by its session key; shards are a hash of the key. Sharding routes its own
/// <see cref="ShardRegion.StartEntity"/> (remember-entities restarting a session) by itself since Akka.NET 1.5.15.
/// </summary>
internal sealed class JanusSessionMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
{
    /// <summary>
    /// Ten shards per node of a large deployment: enough to spread sessions evenly, few enough that a failover moves
    /// a handful of shards, each of which replays its remembered sessions in one journal query.
    /// </summary>
    public const int DefaultShards = 100;

    public override string? EntityId(object message) => (message as IJanusSessionCommand)?.Key;
}
