using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>The loopback TCP ports one test Janus listens on; kept across restarts.</summary>
/// <param name="WebSocket">Janus API over WebSocket (<c>ws_port</c>).</param>
/// <param name="Http">Janus API over REST (<c>port</c> of the HTTP transport).</param>
/// <param name="Admin">Admin API over HTTP (<c>admin_port</c>).</param>
/// <param name="AdminWebSocket">Admin API over WebSocket (<c>admin_ws_port</c>).</param>
public readonly record struct JanusServerPorts(int WebSocket, int Http, int Admin, int AdminWebSocket)
{
    /// <summary>The Janus API over WebSocket on loopback (subprotocol <c>janus-protocol</c>).</summary>
    public Uri WebSocketUrl => new($"ws://127.0.0.1:{WebSocket}/");

    /// <summary>The Janus API over REST on loopback: <c>POST</c> here to create, <c>/{session}</c> to long-poll.</summary>
    public Uri RestUrl => new($"http://127.0.0.1:{Http}/janus");

    /// <summary>The Admin API over HTTP on loopback.</summary>
    public Uri AdminUrl => new($"http://127.0.0.1:{Admin}/admin");

    /// <summary>The Admin API over WebSocket on loopback (subprotocol <c>janus-admin-protocol</c>).</summary>
    public Uri AdminWebSocketUrl => new($"ws://127.0.0.1:{AdminWebSocket}/");

    /// <summary>
    /// Four distinct ports that are free right now (<see cref="LoopbackPorts"/>). Another process could take one before
    /// Janus binds it (or while Janus is stopped for a restart); Janus then logs a bind error and
    /// <see cref="JanusServer.StartAsync"/> times out with it.
    /// </summary>
    public static JanusServerPorts AllocateFree()
    {
        var ports = LoopbackPorts.Free(4);
        return new JanusServerPorts(ports[0], ports[1], ports[2], ports[3]);
    }
}
