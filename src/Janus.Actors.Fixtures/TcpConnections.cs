using System.Globalization;

namespace Janus.Actors.Fixtures;

/// <summary>
/// The TCP connections this machine's kernel holds on a listening port, read from <c>/proc/net/tcp</c> and
/// <c>/proc/net/tcp6</c>: what a server really holds, including connections it has not accepted yet and those whose client
/// is gone but which the server has not closed (CLOSE_WAIT: a Janus long poll of a dead process). Linux only.
/// </summary>
public static class TcpConnections
{
    // /proc/net/tcp states: 01 ESTABLISHED, 03 SYN_RECV, 08 CLOSE_WAIT (0A is LISTEN, not a connection).
    private static readonly string[] Held = ["01", "03", "08"];

    /// <summary>Connections on the server side of <paramref name="port"/>; <paramref name="closeWaitOnly"/>: only those whose client has gone.</summary>
    public static int ServedOn(int port, bool closeWaitOnly = false)
    {
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var count = 0;
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[1].EndsWith(hexPort, StringComparison.Ordinal)
                    && (closeWaitOnly ? fields[3] == "08" : Held.Contains(fields[3])))
                    count++;
            }
        }
        return count;
    }
}
