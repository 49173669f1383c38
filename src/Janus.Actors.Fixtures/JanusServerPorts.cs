using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>The loopback TCP ports one test Janus listens on; kept across restarts.</summary>
/// <param name="WebSocket">Janus API over WebSocket (<c>ws_port</c>).</param>
/// <param name="Http">Janus API over REST (<c>port</c> of the HTTP transport).</param>
/// <param name="Admin">Admin API over HTTP (<c>admin_port</c>).</param>
public readonly record struct JanusServerPorts(int WebSocket, int Http, int Admin)
{
    /// <summary>
    /// Three distinct ports that are free right now (<see cref="LoopbackPorts"/>). Another process could take one before
    /// Janus binds it (or while Janus is stopped for a restart); Janus then logs a bind error and
    /// <see cref="JanusServer.StartAsync"/> times out with it.
    /// </summary>
    public static JanusServerPorts AllocateFree()
    {
        var ports = LoopbackPorts.Free(3);
        return new JanusServerPorts(ports[0], ports[1], ports[2]);
    }
}
