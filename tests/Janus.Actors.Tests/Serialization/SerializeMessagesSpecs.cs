using Akka.Configuration;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// With <c>serialize-messages = on</c> every message between local actors is serialized and read back as if it crossed
/// nodes. The cluster specs run that way; here every cross-node message and failure makes the trip through an actor,
/// with Akka's Newtonsoft default replaced by one that refuses.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class SerializeMessagesSpecs() : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("akka.actor { serialize-messages = on, serialize-creators = off }").WithFallback(ClusterSerializationConfig.Node))
{
    public static TheoryData<Exception, bool?> Failures => SessionFailures.All;

    [Fact]
    public void Every_cross_node_message_comes_back_intact_from_an_actor()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));

        foreach (var message in CrossNodeMessages.All(TestActor))
        {
            echo.Tell(message);
            MessageAssert.Intact(message, ExpectMsg<object>());
        }
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_session_failure_comes_back_intact_from_an_actor(Exception failure, bool? _)
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()));

        echo.Tell(new Status.Failure(failure));

        SessionFailures.Intact(failure, ExpectMsg<Status.Failure>().Cause);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }
}
