using System.Net;
using System.Net.Sockets;

namespace Janus.Actors.Fixtures;

/// <summary>
/// Loopback ports for the servers the specs start (Janus, PostgreSQL, hosts, cluster nodes, build.sh's services): the
/// suite's one allocator. Ports are picked below the kernel's ephemeral range (32768-60999): a port the kernel handed out
/// (a listener on port 0) can be taken as the source port of any outgoing connection before the server binds it — the
/// suite opens hundreds to Janus — and that server then fails to start ("Failed to bind", "Address in use"). A port is
/// handed out once per process (two fixtures starting at once must not get the same one before either binds it, nor a
/// server the port of one killed a moment ago), and not while any TCP socket of the machine uses it (a connection of an
/// earlier server in TIME_WAIT).
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 20_000;
    private const int Highest = 32_000;
    private static readonly HashSet<int> Given = [];

    /// <summary>A loopback port nothing listened on a moment ago.</summary>
    public static int Free() => Free(1)[0];

    /// <summary><paramref name="count"/> distinct loopback ports nothing listened on a moment ago.</summary>
    public static int[] Free(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var candidate = Random.Shared.Next(Lowest, Highest);
            lock (Given)
            {
                if (Given.Count > (Highest - Lowest) * 3 / 4) Given.Clear(); // a very long run: start over
                if (!Given.Add(candidate)) continue;
            }
            if (InUse(candidate)) continue;
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

    /// <summary>Whether a TCP socket of the machine (IPv4 or IPv6, any state) is bound to <paramref name="port"/>.</summary>
    private static bool InUse(int port)
    {
        var suffix = $":{port:X4}"; // local_address is ADDRESS:PORT in hex
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && local.EndsWith(suffix, StringComparison.Ordinal));
    }
}
