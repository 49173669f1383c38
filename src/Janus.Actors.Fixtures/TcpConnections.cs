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

    /// <summary>
    /// The most connections <see cref="ServedOn"/> counted on <paramref name="port"/> while it ran (sampled every 50 ms on a
    /// thread of its own, so a busy thread pool cannot miss a peak); disposing stops it.
    /// </summary>
    public static PeakSampler SamplePeak(int port) => new(port);

    /// <summary>See <see cref="SamplePeak"/>.</summary>
    public sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _sampler;
        private int _max;

        internal PeakSampler(int port)
        {
            _sampler = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var now = ServedOn(port);
                    if (now > Volatile.Read(ref _max)) Volatile.Write(ref _max, now);
                    _stop.Token.WaitHandle.WaitOne(50);
                }
            }) { IsBackground = true, Name = $"tcp-peak-{port}" };
            _sampler.Start();
        }

        public int Max => Volatile.Read(ref _max);

        public void Dispose()
        {
            _stop.Cancel();
            _sampler.Join();
            _stop.Dispose();
        }
    }
}
