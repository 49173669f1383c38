using Akka.Remote.Serialization;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// A session's failures reach a caller on another node as <see cref="Status.Failure"/>, serialized by Akka.Remote
/// (ISerializable underneath): the caller gets the same exception, not a null cause.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class SessionFailureSerializationSpecs() : Akka.TestKit.Xunit2.TestKit(ClusterSerializationConfig.Node)
{
    public static TheoryData<Exception, bool?> Failures => SessionFailures.All;

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_session_failure_crosses_nodes_with_its_type_message_and_properties(Exception failure, bool? isFinal)
    {
        var serializer = Sys.Serialization.FindSerializerFor(new Status.Failure(failure));
        Assert.IsType<MiscMessageSerializer>(serializer);

        var arrived = RoundTrip(new Status.Failure(failure));

        SessionFailures.Intact(failure, arrived.Cause);
        if (isFinal is { } final)
            Assert.Equal(final, ((JanusSessionReclaimException)arrived.Cause).IsFinal);
    }

    private Status.Failure RoundTrip(Status.Failure message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return (Status.Failure)Sys.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }
}
