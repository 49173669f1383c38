using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Tests.Transports;

internal static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on: it was free a moment ago.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
