using System.Text.Json;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// Turns bytes from Janus into <see cref="JanusMessage"/>s for both transports. What cannot be used is dropped,
/// logged by size only (frames carry session ids, SDP and plugin data) and counted in
/// <see cref="JanusMetrics.InboundRejected"/>; the connection stays up.
/// </summary>
internal static class JanusInbound
{
    /// <summary><c>reason</c> tag: not JSON, or JSON that is not a Janus message object.</summary>
    public const string Malformed = "malformed";

    /// <summary><c>reason</c> tag: larger than <see cref="JanusOptions.MaxMessageBytes"/>.</summary>
    public const string Oversized = "oversized";

    /// <summary>One message, or null when it was rejected.</summary>
    public static JanusMessage? Parse(ReadOnlySpan<byte> utf8, ILoggingAdapter log)
    {
        try
        {
            return JanusMessage.Parse(utf8);
        }
        catch (JsonException e)
        {
            RejectMalformed(utf8.Length, e, log);
            return null;
        }
    }

    /// <summary>
    /// A REST long-poll answer: one object (<c>maxev=1</c>) or an array of them. A broken array is rejected whole;
    /// null elements are rejected one by one.
    /// </summary>
    public static IReadOnlyList<JanusMessage> ParseBatch(ReadOnlySpan<byte> utf8, ILoggingAdapter log)
    {
        if (!IsArray(utf8))
            return Parse(utf8, log) is { } single ? [single] : [];

        JanusMessage?[] batch;
        try
        {
            batch = JsonSerializer.Deserialize(utf8, JanusJsonContext.Default.JanusMessageArray) ?? [];
        }
        catch (JsonException e)
        {
            RejectMalformed(utf8.Length, e, log);
            return [];
        }

        var messages = new List<JanusMessage>(batch.Length);
        foreach (var message in batch)
        {
            if (message is not null)
            {
                messages.Add(message);
                continue;
            }
            Count(Malformed);
            log.Warning("Dropped a JSON null from a long-poll batch of {Count} messages", batch.Length);
        }
        return messages;
    }

    /// <summary>Reports a message that was not read because it exceeded <paramref name="maxMessageBytes"/>.</summary>
    public static void RejectOversized(long bytes, int maxMessageBytes, ILoggingAdapter log)
    {
        Count(Oversized);
        log.Warning("Dropped {Bytes} byte message from Janus: larger than {MaxMessageBytes}", bytes, maxMessageBytes);
    }

    // The exception's path says where parsing stopped without quoting the payload.
    private static void RejectMalformed(int bytes, JsonException e, ILoggingAdapter log)
    {
        Count(Malformed);
        log.Warning("Dropped {Bytes} byte message from Janus: not a Janus message (JSON path {JsonPath})", bytes, e.Path ?? "$");
    }

    private static void Count(string reason) =>
        JanusMetrics.InboundRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private static bool IsArray(ReadOnlySpan<byte> utf8)
    {
        var start = utf8.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && utf8[start] == (byte)'[';
    }
}
