using Akka.Actor;

namespace Janus.Actors.Servers;

/// <summary>
/// Why a node stopped at start-up: its journal holds live sessions on a Janus server that is no longer configured (nor
/// marked retired). Read it from <c>CoordinatedShutdown.Get(system).ShutdownReason</c> to exit with a configuration error.
/// </summary>
public sealed class JanusServerRemovedReason : CoordinatedShutdown.Reason
{
    public static readonly JanusServerRemovedReason Instance = new();

    private JanusServerRemovedReason()
    {
    }

    /// <summary>2: the configuration cannot work with this journal (the host's exit code for configuration errors).</summary>
    public override int ExitCode => 2;
}
