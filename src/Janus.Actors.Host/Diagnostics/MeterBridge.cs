using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Prometheus;

namespace Janus.Actors.Host.Diagnostics;

/// <summary>
/// Publishes <see cref="System.Diagnostics.Metrics"/> instruments as prometheus-net collectors with their Prometheus
/// types: a <see cref="Counter{T}"/> becomes a counter (<c>_total</c>), an <see cref="UpDownCounter{T}"/> or observable
/// gauge a gauge, a <see cref="Histogram{T}"/> a histogram. Instrument <c>claims</c> of meter <c>Janus.Actors</c> is
/// <c>janus_actors_claims_total</c>.
/// </summary>
/// <remarks>
/// prometheus-net's own MeterAdapter shows every .NET counter as a gauge and deletes series that stood still for at
/// most a day; a rare counter (claims failed with 403) would then vanish and come back from zero, hiding the very
/// increase an alert looks for. Series here live as long as the process. Label names are fixed by an instrument's
/// first measurement; a later tag that is missing is exported as "", an extra one is dropped.
/// </remarks>
internal sealed class MeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;
    private readonly Func<Instrument, bool> _publish;
    private readonly Func<Instrument, double[]> _buckets;
    private readonly ConcurrentDictionary<Instrument, Published> _published = new();
    private volatile bool _disposed;

    public MeterBridge(CollectorRegistry registry, Func<Instrument, bool> publish, Func<Instrument, double[]> buckets)
    {
        _factory = Metrics.WithCustomRegistry(registry);
        _publish = publish;
        _buckets = buckets;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_publish(instrument)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<byte>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<short>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<int>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<long>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<float>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<double>((i, m, t, _) => Record(i, m, t));
        _listener.SetMeasurementEventCallback<decimal>((i, m, t, _) => Record(i, (double)m, t));
        _listener.Start();
        // Observable instruments (sessions by state) are read when Prometheus scrapes, not on a timer.
        registry.AddBeforeCollectCallback(() =>
        {
            if (!_disposed) _listener.RecordObservableInstruments();
        });
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Dispose();
    }

    private void Record<T>(Instrument instrument, T measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct, IConvertible =>
        Record(instrument, measurement.ToDouble(null), tags);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        try
        {
            var published = _published.GetOrAdd(instrument, Create, tags.ToArray());
            var labels = new string[published.TagKeys.Length];
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = "";
                foreach (var tag in tags)
                    if (tag.Key == published.TagKeys[i])
                    {
                        labels[i] = tag.Value?.ToString() ?? "";
                        break;
                    }
            }
            published.Record(labels, value);
        }
        catch (Exception)
        {
            // A measurement must never throw into the code that recorded it (an actor, a request).
        }
    }

    private Published Create(Instrument instrument, KeyValuePair<string, object?>[] firstTags)
    {
        var tagKeys = firstTags.Select(t => t.Key).Distinct().Order(StringComparer.Ordinal).ToArray();
        var labelNames = tagKeys.Select(PrometheusName).ToArray();
        var name = PrometheusName($"{instrument.Meter.Name}_{instrument.Name}");
        var help = string.IsNullOrEmpty(instrument.Unit) ? instrument.Description ?? name : $"{instrument.Description} ({instrument.Unit})";
        var type = instrument.GetType().GetGenericTypeDefinition();

        if (type == typeof(Counter<>))
        {
            var counter = _factory.CreateCounter(name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total", help, labelNames);
            return new Published(tagKeys, (labels, value) => counter.WithLabels(labels).Inc(value));
        }
        if (type == typeof(ObservableCounter<>))
        {
            var counter = _factory.CreateCounter(name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total", help, labelNames);
            return new Published(tagKeys, (labels, value) => counter.WithLabels(labels).IncTo(value));
        }
        if (type == typeof(Histogram<>))
        {
            var histogram = _factory.CreateHistogram(name, help, labelNames, new HistogramConfiguration { Buckets = _buckets(instrument) });
            return new Published(tagKeys, (labels, value) => histogram.WithLabels(labels).Observe(value));
        }
        var gauge = _factory.CreateGauge(name, help, labelNames);
        if (type == typeof(UpDownCounter<>))
            return new Published(tagKeys, (labels, value) => gauge.WithLabels(labels).Inc(value));
        return new Published(tagKeys, (labels, value) => gauge.WithLabels(labels).Set(value)); // observable gauge / up-down counter
    }

    /// <summary><c>Janus.Actors_keepalive.rtt</c> → <c>janus_actors_keepalive_rtt</c>: lower case, <c>[a-z0-9_]</c>.</summary>
    private static string PrometheusName(string name)
    {
        var result = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
            result.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' ? c : '_');
        if (result.Length == 0 || char.IsDigit(result[0])) result.Insert(0, '_');
        return result.ToString();
    }

    private sealed record Published(string[] TagKeys, Action<string[], double> Record);
}
