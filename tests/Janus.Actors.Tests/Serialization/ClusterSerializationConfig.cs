using Akka.Configuration;
using Janus.Actors.Serialization;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// An actor system as a cluster node sees serialization: the cluster provider (which brings Akka.Remote's
/// serializers, e.g. for <see cref="Status.Failure"/>) and the library's HOCON. Nothing of ours may fall back to
/// Akka's Newtonsoft default: <see cref="NewtonsoftForAkkaOnly"/> takes its place and fails.
/// </summary>
internal static class ClusterSerializationConfig
{
    public static Config Node { get; } = ConfigurationFactory.ParseString(
        """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        # The node never joins: leaving on shutdown would wait 5 s for a cluster that is not there.
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.actor.serializers.newtonsoft-for-akka-only = "Janus.Actors.Serialization.NewtonsoftForAkkaOnly, Janus.Actors"
        akka.actor.serialization-bindings { "System.Object" = newtonsoft-for-akka-only }
        """).WithFallback(JanusPersistence.DefaultConfig);
}
