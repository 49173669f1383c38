using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Tests.Fixtures;

/// <summary>The loopback TCP ports one test Janus listens on; kept across restarts.</summary>
/// <param name="WebSocket">Janus API over WebSocket (<c>ws_port</c>).</param>
/// <param name="Http">Janus API over REST (<c>port</c> of the HTTP transport).</param>
/// <param name="Admin">Admin API over HTTP (<c>admin_port</c>).</param>
public readonly record struct JanusServerPorts(int WebSocket, int Http, int Admin)
{
    /// <summary>
    /// Three distinct ports that are free right now: the kernel picks them for listeners bound to 127.0.0.1:0,
    /// which are released before Janus binds them. Another process could take one in between (or while Janus is
    /// stopped for a restart); Janus then logs a bind error and <see cref="JanusServer.StartAsync"/> times out with it.
    /// </summary>
    public static JanusServerPorts AllocateFree()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
                listener.Start();
            int PortOf(int i) => ((IPEndPoint)listeners[i].LocalEndpoint).Port;
            return new JanusServerPorts(PortOf(0), PortOf(1), PortOf(2));
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Dispose();
        }
    }
}
