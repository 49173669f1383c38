using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Janus.Actors.Persistence;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// An actor system as a cluster node sees serialization: the cluster provider (which brings Akka.Remote's
/// serializers, e.g. for <see cref="Status.Failure"/>) and the library's HOCON. Nothing may fall back to Akka's
/// Newtonsoft default: <see cref="RefuseDefaultSerializer"/> takes its place and fails.
/// </summary>
internal static class ClusterSerializationConfig
{
    public static Config Node { get; } = ConfigurationFactory.ParseString(
        """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.actor.serializers.refuse-default = "Janus.Actors.Tests.Serialization.RefuseDefaultSerializer, Janus.Actors.Tests"
        akka.actor.serialization-bindings { "System.Object" = refuse-default }
        """).WithFallback(JanusPersistence.DefaultConfig);
}

/// <summary>Bound to <c>System.Object</c> in place of Newtonsoft: whatever would have gone to the default fails, naming its type.</summary>
public sealed class RefuseDefaultSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 4799;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new InvalidOperationException($"{obj.GetType()} would go through Akka's default (Newtonsoft) serializer");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new InvalidOperationException($"{type} would go through Akka's default (Newtonsoft) serializer");
}
