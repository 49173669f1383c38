using Janus.Actors.Diagnostics;

namespace Janus.Actors.Transports;

/// <summary>Builds the <see cref="JanusTransportException"/> a transport throws, counting it in <see cref="JanusMetrics.TransportFailures"/>.</summary>
internal static class JanusTransportFailure
{
    public static JanusTransportException Create(JanusTransportKind kind, string message, Exception? inner = null)
    {
        Count(kind);
        return new JanusTransportException(inner is null ? message : $"{message}: {inner.Message}", inner);
    }

    /// <summary>Counts a failure that is reported without an exception.</summary>
    public static void Count(JanusTransportKind kind) =>
        JanusMetrics.TransportFailures.Add(1, new KeyValuePair<string, object?>("transport", kind == JanusTransportKind.WebSocket ? "websocket" : "rest"));

    /// <summary>
    /// Counts a REST call that failed (refused, reset, an HTTP error, no answer in time) and says why in one line; the link
    /// itself stays (<see cref="RestTransportActor"/>).
    /// </summary>
    public static string RestCallFailed(Exception cause)
    {
        Count(JanusTransportKind.Rest);
        // HttpRequestException's own message is often just "An error occurred while sending the request".
        return cause is HttpRequestException { InnerException: { } inner } ? $"{cause.Message} ({inner.Message})" : cause.Message;
    }

    /// <summary>The parent sent a request before <see cref="JanusTransportReports.Connected"/>: a bug in the parent, but fatal to this connection.</summary>
    public static JanusTransportException NotConnected(JanusTransportKind kind, object command) =>
        Create(kind, $"{command.GetType().Name} before the transport was connected");
}
