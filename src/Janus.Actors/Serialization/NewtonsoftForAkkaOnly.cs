using Akka.Actor;
using Akka.Serialization;

namespace Janus.Actors.Serialization;

/// <summary>
/// A check for deployments and tests, in place of Akka's Newtonsoft default: Akka's own internal messages still go
/// through Newtonsoft, anything else — a Janus message, a value inside a Janus exception, an application's own
/// message — fails, naming its type. Bind it to <c>System.Object</c> to prove that nothing but Akka's internals
/// crosses the wire (or, with <c>serialize-messages</c>, a mailbox) through Newtonsoft:
/// <code>
/// akka.actor.serializers.newtonsoft-for-akka-only = "Janus.Actors.Serialization.NewtonsoftForAkkaOnly, Janus.Actors"
/// akka.actor.serialization-bindings { "System.Object" = newtonsoft-for-akka-only }
/// </code>
/// </summary>
public sealed class NewtonsoftForAkkaOnly(ExtendedActorSystem system) : NewtonSoftJsonSerializer(system)
{
    public override int Identifier => 4799;

    public override byte[] ToBinary(object obj) => IsAkkas(obj.GetType())
        ? base.ToBinary(obj)
        : throw new InvalidOperationException($"{obj.GetType()} would go through Akka's default (Newtonsoft) serializer");

    private static bool IsAkkas(Type type) =>
        type.Assembly.GetName().Name is { } assembly && (assembly == "Akka" || assembly.StartsWith("Akka.", StringComparison.Ordinal));
}
