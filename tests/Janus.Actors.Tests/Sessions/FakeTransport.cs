using Akka.Actor;
using Akka.TestKit;

namespace Janus.Actors.Tests.Sessions;

/// <summary>
/// A transport child that hands every command to a probe. The test answers through the probe:
/// <c>probe.Reply(new FakeTransport.ToSession(msg))</c> delivers msg to the session as if from its transport,
/// <c>probe.Reply(new FakeTransport.Fail(ex))</c> makes the transport fail.
/// </summary>
internal sealed class FakeTransport : ReceiveActor
{
    public sealed record ToSession(object Message);

    public sealed record Fail(Exception Cause);

    /// <param name="probe">Receives every command the session sends.</param>
    /// <param name="refuseConnections">Fail every Connect, as a transport does while Janus is down.</param>
    public static Props Props(TestProbe probe, bool refuseConnections = false) =>
        Akka.Actor.Props.Create(() => new FakeTransport(probe, refuseConnections));

    public FakeTransport(TestProbe probe, bool refuseConnections)
    {
        Receive<ToSession>(m => Context.Parent.Tell(m.Message));
        Receive<Fail>(f => throw f.Cause);
        ReceiveAny(m =>
        {
            probe.Ref.Tell(m, Self);
            if (refuseConnections && m is Janus.Actors.Transports.JanusTransportCommands.Connect)
                throw new Janus.Actors.Transports.JanusTransportException("connection refused");
        });
    }
}
