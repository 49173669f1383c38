using System.Collections.Concurrent;
using Janus.Actors.Diagnostics;
using Janus.Actors.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Janus.Actors.Tests.Hosting;

/// <summary>
/// A call on the façade can be followed from the caller's span through the session actor to Janus
/// (<see cref="JanusTracing"/>): one trace, the façade's span a child of the caller's, each request to Janus a child of
/// the façade's, Janus's errors on the span that got them, and no Janus session id anywhere in the spans.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JanusTracingSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private readonly TestJournal _journal = new();
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivitySource _caller = new("spec-caller");
    private ActivityListener _listener = null!;
    private IHost _app = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is JanusTracing.SourceName or "spec-caller",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ended.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddJanusSessions(options =>
        {
            options.Janus = new JanusOptions { WebSocketUrl = janus.Server.WebSocketUrl };
            options.Journal = new JanusJournalOptions(JanusJournalProvider.Sqlite, $"Data Source={_journal.File}");
        });
        _app = builder.Build();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        _app.Dispose();
        _listener.Dispose();
        _caller.Dispose();
        _journal.Dispose();
    }

    [Fact]
    public async Task A_create_an_attach_and_a_message_are_one_trace_from_the_caller_through_the_session_to_Janus()
    {
        var sessions = _app.Services.GetRequiredService<IJanusSessions>();
        ActivityTraceId trace;
        ActivitySpanId root;
        JanusSessionInfo created;
        using (var call = _caller.StartActivity("POST /v1/sessions")!)
        {
            (trace, root) = (call.TraceId, call.SpanId);
            created = await sessions.CreateAsync("traced-1", JanusTransportKind.WebSocket);
            var handle = await sessions.AttachAsync("traced-1", "janus.plugin.echotest");
            await sessions.SendAsync("traced-1", handle, JsonDocument.Parse("""{"audio":true}""").RootElement);
            await Assert.ThrowsAsync<JanusRequestException>(() =>
                sessions.SendAsync("traced-1", 424242, JsonDocument.Parse("""{"audio":true}""").RootElement)); // no such handle
        }

        var spans = _ended.Where(span => span.TraceId == trace).ToList();
        foreach (var (operation, request) in new[] { ("create", "create"), ("attach", "attach"), ("message", "message") })
        {
            var facade = Assert.Single(spans, span => span.DisplayName == $"janus.session {operation}" && span.Status != ActivityStatusCode.Error);
            Assert.Equal(root, facade.ParentSpanId);
            var toJanus = Assert.Single(spans, span => span.DisplayName == $"janus {request}" && span.ParentSpanId == facade.SpanId);
            Assert.Equal(ActivityKind.Client, toJanus.Kind);
            Assert.Equal("traced-1", toJanus.GetTagItem("janus.session.key"));
            Assert.Equal(JanusServerSettings.DefaultName, toJanus.GetTagItem("janus.server"));
            Assert.Equal("websocket", toJanus.GetTagItem("janus.transport"));
            Assert.NotEqual(ActivityStatusCode.Error, toJanus.Status);
        }
        var refused = Assert.Single(spans, span => span.DisplayName == "janus message" && span.Status == ActivityStatusCode.Error);
        Assert.Equal((int)Protocol.JanusErrorCode.HandleNotFound, refused.GetTagItem("janus.error.code"));
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(spans, span => span.DisplayName == "janus.session message" && span.Status == ActivityStatusCode.Error).Status);
        var id = created.JanusSessionId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(spans, span => span.TagObjects.Any(tag => Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)!.Contains(id)));
        Assert.DoesNotContain(spans, span => span.DisplayName.Contains(id));
    }
}
