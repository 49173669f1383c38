using Janus.Actors.Tests.Integration;
using System.Collections.Concurrent;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The host exports OpenTelemetry over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: a collector (here a loopback
/// HTTP listener standing for one) receives the API request's span with the library's spans under it, and the
/// <c>Janus.Actors</c> meter. OTLP/HTTP carries protobuf, in which span and instrument names are plain UTF-8.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostTelemetrySpecs(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_an_OTLP_endpoint_a_creates_spans_and_the_meter_reach_the_collector()
    {
        var port = LoopbackPorts.Free();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                try
                {
                    var context = await collector.GetContextAsync();
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        });
        await host.StartAsync();

        using (var created = await host.PostJsonAsync("v1/sessions", """{"key":"otel-1","transport":"websocket"}"""))
            await host.ReadJsonAsync(created, HttpStatusCode.Created);

        var traces = await Eventually.ReturnsAsync(() => Task.FromResult(Text(received, "/v1/traces")),
            text => text.Contains("janus create", StringComparison.Ordinal) && text.Contains("janus.session create", StringComparison.Ordinal)
                    && text.Contains("POST", StringComparison.Ordinal), // the API request's span (ASP.NET Core), the root of the create's trace
            Patience, "the create's spans at the collector (they end, and are sent, one after the other)");
        Assert.Contains("janus-actors-host", traces); // the service name
        Assert.DoesNotContain("/healthz", traces); // probes are not traced
        // The first exports may come before the create's requests were counted: wait for one that has them.
        var metrics = await Eventually.ReturnsAsync(() => Task.FromResult(Text(received, "/v1/metrics")),
            text => text.Contains("Janus.Actors", StringComparison.Ordinal) && text.Contains("requests_in_flight", StringComparison.Ordinal), Patience,
            "the Janus.Actors meter at the collector, with the requests the create sent");
        Assert.Contains("sessions", metrics);
        collector.Stop();
    }

    private static string Text(IEnumerable<(string Path, byte[] Body)> received, string path) =>
        string.Concat(received.Where(request => request.Path == path).Select(request => Encoding.UTF8.GetString(request.Body)));
}
