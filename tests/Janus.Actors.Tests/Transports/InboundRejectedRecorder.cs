using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Janus.Actors.Diagnostics;

namespace Janus.Actors.Tests.Transports;

/// <summary>Counts <see cref="JanusMetrics.InboundRejected"/> by <c>reason</c> from the moment it is created.</summary>
internal sealed class InboundRejectedRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public InboundRejectedRecorder()
    {
        // Read before listening: were the metrics first created inside the callback below, the field would still be null there.
        var inboundRejected = JanusMetrics.InboundRejected;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument == inboundRejected)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag is { Key: "reason", Value: string reason })
                    _counts.AddOrUpdate(reason, value, (_, count) => count + value);
        });
        _listener.Start();
    }

    public long Count(string reason) => _counts.GetValueOrDefault(reason);

    public void Dispose() => _listener.Dispose();
}
