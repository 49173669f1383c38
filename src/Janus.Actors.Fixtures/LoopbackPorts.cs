using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>
/// Loopback ports for the servers the specs start (Janus, PostgreSQL, hosts, cluster nodes, build.sh's services): the
/// suite's one allocator. Ports are picked below the kernel's ephemeral range (32768-60999): a port the kernel handed out
/// (a listener on port 0) can be taken as the source port of any outgoing connection before the server binds it — the
/// suite opens hundreds to Janus — and that server then fails to start ("Failed to bind", "Address in use").
/// </summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port nothing listened on a moment ago.</summary>
    public static int Free() => Free(1)[0];

    /// <summary><paramref name="count"/> distinct loopback ports nothing listened on a moment ago.</summary>
    public static int[] Free(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var candidate = Random.Shared.Next(20_000, 32_000);
            if (ports.Contains(candidate)) continue;
            using var listener = new TcpListener(IPAddress.Loopback, candidate);
            try
            {
                listener.Start();
                ports.Add(candidate);
            }
            catch (SocketException)
            {
                // in use: try another
            }
            finally
            {
                listener.Stop();
            }
        }
        return ports.ToArray();
    }
}
