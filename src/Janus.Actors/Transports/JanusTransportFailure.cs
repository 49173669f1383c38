using System.Net;
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
        JanusMetrics.TransportFailures.Add(1, new KeyValuePair<string, object?>("transport", kind.ToName()));

    /// <summary>
    /// Counts a REST call that failed and says why in one line, and whether it shows Janus unreachable: no connection
    /// (refused, no route, no name), a proxy's 502/503/504, or no answer at all in time. A connection Janus closed without an
    /// answer is not that: Janus does so to a long poll whose session it destroyed meanwhile, and to a request its core took
    /// over 10 s to answer (<c>janus_http.c</c>) — it answers everything else. The link itself stays (<see cref="RestTransportActor"/>).
    /// </summary>
    public static (string Reason, bool Unreachable) RestCallFailed(Exception cause)
    {
        Count(JanusTransportKind.Rest);
        var unreachable = cause switch
        {
            TimeoutException => true,
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } => true,
            HttpRequestException { StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout } => true,
            _ => false,
        };
        // HttpRequestException's own message is often just "An error occurred while sending the request".
        return (cause is HttpRequestException { InnerException: { } inner } ? $"{cause.Message} ({inner.Message})" : cause.Message, unreachable);
    }

    /// <summary>The parent sent a request before <see cref="JanusTransportReports.Connected"/>: a bug in the parent, but fatal to this connection.</summary>
    public static JanusTransportException NotConnected(JanusTransportKind kind, object command) =>
        Create(kind, $"{command.GetType().Name} before the transport was connected");
}
