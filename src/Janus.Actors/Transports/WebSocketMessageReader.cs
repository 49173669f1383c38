using System.Buffers;
using System.Net.WebSockets;

namespace Janus.Actors.Transports;

/// <summary>
/// Reads whole messages off a WebSocket. Janus splits large messages over several frames: each frame is received
/// straight into one pooled buffer behind the previous ones, so bytes are copied again only when the buffer grows.
/// Text and binary frames are treated alike.
/// </summary>
internal static class WebSocketMessageReader
{
    // Every reply and most events fit; a bigger message grows the buffer only while it lasts, so thousands of
    // idle sockets hold a few KB each.
    private const int InitialBufferBytes = 4 * 1024;

    /// <summary>
    /// Hands each message to <paramref name="onMessage"/> (the memory is reused afterwards) until the peer closes the
    /// socket. A message over <paramref name="maxMessageBytes"/> is read to its end without being kept and reported
    /// to <paramref name="onOversized"/> with its size, and reading goes on. Throws when the socket fails.
    /// </summary>
    public static async Task ReadUntilClosedAsync(
        WebSocket socket, int maxMessageBytes, Action<ReadOnlyMemory<byte>> onMessage, Action<long> onOversized, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        try
        {
            var length = 0;       // bytes of the current message in buffer
            long skipped = -1;    // while skipping an oversized message: its size so far
            while (true)
            {
                var skipping = skipped >= 0;
                if (!skipping && length == buffer.Length)
                    buffer = Resize(buffer, length, (int)Math.Min(2L * buffer.Length, maxMessageBytes + 1L));

                var frame = await socket.ReceiveAsync(skipping ? buffer.AsMemory() : buffer.AsMemory(length), cancellation).ConfigureAwait(false);
                if (frame.MessageType == WebSocketMessageType.Close)
                    return;

                if (skipping)
                    skipped += frame.Count;
                else if ((length += frame.Count) > maxMessageBytes)
                    (skipped, length) = (length, 0);

                if (!frame.EndOfMessage)
                    continue;

                if (skipped >= 0)
                    onOversized(skipped);
                else
                    onMessage(buffer.AsMemory(0, length));

                (skipped, length) = (-1, 0);
                if (buffer.Length > InitialBufferBytes)
                    buffer = Resize(buffer, 0, InitialBufferBytes);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Resize(byte[] buffer, int keep, int size)
    {
        var resized = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, keep).CopyTo(resized);
        ArrayPool<byte>.Shared.Return(buffer);
        return resized;
    }
}
