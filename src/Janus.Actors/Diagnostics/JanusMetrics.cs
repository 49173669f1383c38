using System.Diagnostics.Metrics;

namespace Janus.Actors.Diagnostics;

/// <summary>The library's one meter, <c>Janus.Actors</c>. Instruments are static: the meter is process-wide.</summary>
public static class JanusMetrics
{
    public const string MeterName = "Janus.Actors";
    public static readonly Meter Meter = new(MeterName);

    /// <summary>Claims by outcome (<c>ok</c>/<c>failed</c>) and Janus <c>code</c> (0 for transport failures).</summary>
    public static readonly Counter<long> Claims = Meter.CreateCounter<long>("janus_claims", description: "Claims sent to Janus, by outcome and code");

    /// <summary>Messages from Janus that were dropped: malformed JSON, oversized, unknown transaction, unexpected type.</summary>
    public static readonly Counter<long> InboundRejected = Meter.CreateCounter<long>("janus_inbound_rejected", description: "Messages from Janus that could not be used, by reason");

    /// <summary>Round trip of keep-alive acks.</summary>
    public static readonly Histogram<double> KeepAliveRoundTrip = Meter.CreateHistogram<double>("janus_keepalive_rtt", unit: "ms", description: "Keep-alive round-trip time");

    /// <summary>From the start of a reclaim (process start or lost connection) to the claim's success.</summary>
    public static readonly Histogram<double> ReclaimDuration = Meter.CreateHistogram<double>("janus_reclaim_duration", unit: "ms", description: "Time to reclaim a session");

    /// <summary>Requests sent and not yet answered.</summary>
    public static readonly UpDownCounter<long> RequestsInFlight = Meter.CreateUpDownCounter<long>("janus_requests_in_flight", description: "Requests awaiting a reply from Janus");

    /// <summary>Transport failures (connection refused, dropped, closed).</summary>
    public static readonly Counter<long> TransportFailures = Meter.CreateCounter<long>("janus_transport_failures", description: "Transport connections that failed, by transport");
}
