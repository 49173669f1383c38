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
        var states = StatesOn(port);
        return closeWaitOnly ? states.GetValueOrDefault("CLOSE_WAIT") : states.Values.Sum();
    }

    /// <summary>The connections on the server side of <paramref name="port"/> by TCP state (ESTABLISHED, SYN_RECV, CLOSE_WAIT).</summary>
    public static IReadOnlyDictionary<string, int> StatesOn(int port)
    {
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var states = new Dictionary<string, int>();
        foreach (var fields in Rows())
        {
            if (!fields[1].EndsWith(hexPort, StringComparison.Ordinal) || !Held.Contains(fields[3])) continue;
            var state = fields[3] switch { "01" => "ESTABLISHED", "03" => "SYN_RECV", _ => "CLOSE_WAIT" };
            states[state] = states.GetValueOrDefault(state) + 1;
        }
        return states;
    }

    /// <summary>
    /// The connections process <paramref name="pid"/> holds to <paramref name="port"/> (its sockets, established or
    /// connecting): what a client really uses of a server's connections, whatever the server has yet to notice.
    /// </summary>
    public static int OpenedBy(int pid, int port)
    {
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                    sockets.Add(target[8..^1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // the process is gone, or closed a descriptor while it was read
        }
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        // 01 ESTABLISHED, 02 SYN_SENT; the inode is the tenth field.
        return Rows().Count(fields => fields.Length > 9 && fields[2].EndsWith(hexPort, StringComparison.Ordinal)
                                      && fields[3] is "01" or "02" && sockets.Contains(fields[9]));
    }

    private static IEnumerable<string[]> Rows() =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 3);

    /// <summary>
    /// The most connections <see cref="ServedOn"/> counted on <paramref name="port"/> while it ran (sampled every 50 ms on a
    /// thread of its own, so a busy thread pool cannot miss a peak), and with <paramref name="clientPid"/> the most that
    /// process held to it (<see cref="OpenedBy"/>); disposing stops it.
    /// </summary>
    public static PeakSampler SamplePeak(int port, int? clientPid = null) => new(port, clientPid);

    /// <summary>See <see cref="SamplePeak"/>.</summary>
    public sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _sampler;
        private int _max;

        private int _clientMax;

        internal PeakSampler(int port, int? clientPid)
        {
            _sampler = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var states = StatesOn(port);
                    var now = states.Values.Sum();
                    if (now > Volatile.Read(ref _max))
                    {
                        AtMax = string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Value} {s.Key}"));
                        Volatile.Write(ref _max, now);
                    }
                    if (clientPid is { } pid && OpenedBy(pid, port) is var held && held > Volatile.Read(ref _clientMax))
                        Volatile.Write(ref _clientMax, held);
                    _stop.Token.WaitHandle.WaitOne(50);
                }
            }) { IsBackground = true, Name = $"tcp-peak-{port}" };
            _sampler.Start();
        }

        /// <summary>The most connections the server side of the port held.</summary>
        public int Max => Volatile.Read(ref _max);

        /// <summary>The most connections the client process held to the port.</summary>
        public int ClientMax => Volatile.Read(ref _clientMax);

        /// <summary>The connections by TCP state when <see cref="Max"/> was seen.</summary>
        public string AtMax { get; private set; } = "none";

        public void Dispose()
        {
            _stop.Cancel();
            _sampler.Join();
            _stop.Dispose();
        }
    }
}
