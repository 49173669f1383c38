using Akka.TestKit.Xunit2;

namespace Janus.Actors.Tests.Transports;

/// <summary>
/// Transport specs run one at a time: <see cref="Diagnostics.JanusMetrics.InboundRejected"/> is process-wide, and a
/// spec that counts rejections must not see another's.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TransportSpecs
{
    public const string Name = "Transports";
}

/// <summary>
/// Base for transport specs: the transport is a child of the test actor, so whatever it tells its parent reaches the
/// test, and a failure is reported to the test as the exception itself.
/// </summary>
public abstract class TransportSpec(ITestOutputHelper output) : TestKit("akka.test.single-expect-default = 10s", output)
{
    /// <summary>Starts the transport under the test actor; a failure stops it.</summary>
    protected IActorRef StartTransport(Props props) => StartTransport(props, Directive.Stop);

    /// <summary>Starts the transport under the test actor; on failure the test receives the exception, then <paramref name="directive"/> applies.</summary>
    protected IActorRef StartTransport(Props props, Directive directive)
    {
        var testActor = TestActor;
        return ChildActorOf(props, new OneForOneStrategy(cause =>
        {
            testActor.Tell(cause);
            return directive;
        }));
    }
}
