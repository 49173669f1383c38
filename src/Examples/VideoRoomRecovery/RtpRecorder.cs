using System.Net;
using System.Net.Sockets;

namespace VideoRoomRecovery;

/// <summary>
/// The demo's stand-in for a recorder: a UDP port on 127.0.0.1 that counts the RTP packets Janus forwards to it.
/// </summary>
public sealed class RtpRecorder : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private int _packets;

    public RtpRecorder() => _ = CountAsync();

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>RTP packets received so far.</summary>
    public int Packets => Volatile.Read(ref _packets);

    /// <summary>Waits until at least one packet has arrived; false if none came within <paramref name="patience"/>.</summary>
    public async Task<bool> WaitForMediaAsync(TimeSpan patience)
    {
        for (var deadline = DateTime.UtcNow + patience; DateTime.UtcNow < deadline; await Task.Delay(50))
            if (Packets > 0) return true;
        return false;
    }

    private async Task CountAsync()
    {
        try
        {
            while (true)
            {
                var datagram = await _socket.ReceiveAsync(_stop.Token);
                if (datagram.Buffer is [var first, ..] && first >> 6 == 2) Interlocked.Increment(ref _packets); // RTP version 2
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
