using System.Buffers;
using System.Text;
using System.Text.Json;
using Janus.Actors.Hosting;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /v1/sessions/{key}/events</c> as server-sent events: one <c>event:</c>/<c>data:</c> pair per notice, named
/// <c>janus-event</c>, <c>reclaimed</c> or <c>ended</c>, flushed at once. The stream closes after <c>ended</c>, when the
/// caller goes away, or when the host stops (so a graceful stop is not held up by open streams).
/// </summary>
public static class EventStream
{
    public const string JanusEvent = "janus-event";
    public const string Reclaimed = "reclaimed";
    public const string Ended = "ended";

    /// <summary>A comment line this often keeps proxies from timing the stream out and finds dead callers.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static async Task WriteAsync(HttpContext context, IJanusSessions sessions, string key, CancellationToken stopping)
    {
        // Unknown keys get a plain 404 before any stream header is sent.
        var session = await sessions.GetAsync(key, context.RequestAborted) ?? throw new JanusSessionNotFoundException(key);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        if (session.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed)
        {
            // Nothing more will happen to it: say so at once instead of holding an idle stream open.
            await WriteNoticeAsync(response, new SessionEnded(key, session.State, session.LastError), cancel.Token);
            return;
        }

        await using var notices = sessions.EventsAsync(key, cancel.Token).GetAsyncEnumerator(cancel.Token);
        // Ask for the first notice before sending the headers: the subscription is then on its way, so a caller
        // that waits for the headers and then acts on the session does not miss the resulting events.
        var next = notices.MoveNextAsync().AsTask();
        try
        {
            await WriteCommentAsync(response, "subscribed", cancel.Token);
            while (true)
            {
                var heartbeat = Task.Delay(HeartbeatInterval, cancel.Token);
                if (await Task.WhenAny(next, heartbeat) == heartbeat)
                {
                    await heartbeat; // throws when cancelled
                    await WriteCommentAsync(response, "heartbeat", cancel.Token);
                    continue;
                }
                if (!await next)
                    return;
                await WriteNoticeAsync(response, notices.Current, cancel.Token);
                if (notices.Current is SessionEnded)
                    return;
                next = notices.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Caller gone or host stopping: just end the stream.
        }
        finally
        {
            // An enumerator cannot be disposed while a MoveNextAsync is pending: cancel it and let it finish.
            await cancel.CancelAsync();
            try { await next; } catch { /* the stream is over either way */ }
        }
    }

    private static async Task WriteNoticeAsync(HttpResponse response, IJanusSessionNotice notice, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        string name;
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = HostJsonContext.Api.Options.Encoder }))
        {
            switch (notice)
            {
                case JanusEventReceived e:
                    name = JanusEvent;
                    json.WriteStartObject();
                    json.WriteString("key", e.Key);
                    json.WritePropertyName("event");
                    json.WriteRawValue(e.Event.ToUtf8Json(), skipInputValidation: true);
                    json.WriteEndObject();
                    break;
                case SessionReclaimed r:
                    name = Reclaimed;
                    JsonSerializer.Serialize(json, new ReclaimedNotice(r.Key, r.EventsMayHaveBeenMissed), HostJsonContext.Api.ReclaimedNotice);
                    break;
                case SessionEnded ended:
                    name = Ended;
                    var error = ended.Error is { } err ? new SessionErrorResponse(err.Code, err.Reason) : null;
                    JsonSerializer.Serialize(json, new EndedNotice(ended.Key, ended.State, error), HostJsonContext.Api.EndedNotice);
                    break;
                default:
                    return; // a notice kind this API does not know yet
            }
        }

        // Serialized JSON never contains a raw newline, so one data: line carries it whole.
        await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: "), cancellationToken);
        await response.BodyWriter.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.BodyWriter.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private static async Task WriteCommentAsync(HttpResponse response, string comment, CancellationToken cancellationToken)
    {
        await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes($": {comment}\n\n"), cancellationToken);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
