using System.Buffers;
using System.Text;
using System.Text.Json;
using Janus.Actors.Hosting;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /v1/sessions/{key}/events</c> as server-sent events: one <c>id:</c>/<c>event:</c>/<c>data:</c> block per notice,
/// named <c>janus-event</c>, <c>reclaimed</c> or <c>ended</c>, flushed at once. A <c>reclaimed</c> comes after one event per
/// handle saying where it stands (<c>handleResynced</c>, <c>pendingOffer</c>, <c>handleGone</c>, <c>handleNotResynced</c>, <c>roomResynced</c>;
/// <see cref="SessionReclaimed.Handles"/>), which carry no id of their own: resuming after the <c>reclaimed</c> skips them
/// with it, resuming before it sends them again. A caller that reconnects with
/// <c>Last-Event-ID</c> (browsers' EventSource does) first gets what it missed, from its stream's
/// <see cref="ResumableSubscription"/> (kept <see cref="ResumableSubscription.Retention"/> after the caller left, the last
/// <see cref="ResumableSubscription.Capacity"/> notices); when that is no longer possible the new stream starts with a
/// <c>missed</c> event instead. The stream closes after <c>ended</c>, when the caller goes away, or when the host stops
/// (so a graceful stop is not held up by open streams).
/// </summary>
public static class EventStream
{
    public const string ContentType = "text/event-stream";
    public const string JanusEvent = "janus-event";
    public const string Reclaimed = "reclaimed";
    public const string Ended = "ended";
    public const string Missed = "missed";
    public const string HandleResynced = "handleResynced";
    public const string PendingOffer = "pendingOffer";
    public const string HandleGone = "handleGone";
    public const string HandleNotResynced = "handleNotResynced";
    public const string RoomResynced = "roomResynced";

    /// <summary>A comment line this often keeps proxies from timing the stream out and finds dead callers.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public static async Task WriteAsync(HttpContext context, IJanusSessions sessions, EventSubscriptions subscriptions, string key,
        CancellationToken stopping)
    {
        // Unknown keys get a plain 404 before any stream header is sent.
        var session = await sessions.GetAsync(key, context.RequestAborted) ?? throw new JanusSessionNotFoundException(key);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        if (session.State is JanusSessionStatus.Lost or JanusSessionStatus.Destroyed)
        {
            // Nothing more will happen to it: say so at once instead of holding an idle stream open.
            await WriteNoticeAsync(response, null, new SessionEnded(key, session.State, session.LastError), cancel.Token);
            return;
        }

        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var resumed = lastEventId.Length > 0 ? subscriptions.Resume(key, lastEventId) : null;
        // Opening subscribes before the headers go out: a caller that waits for them and then acts on the session does
        // not miss the resulting events.
        var (subscription, after) = resumed ?? (subscriptions.Open(key), 0);
        await using var notices = subscription.ReadAfterAsync(after, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Task<bool>? next = null;
        try
        {
            await WriteCommentAsync(response, "subscribed", cancel.Token);
            if (lastEventId.Length > 0 && resumed is null)
                await WriteMissedAsync(response, key, cancel.Token);
            next = notices.MoveNextAsync().AsTask();
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
                var (sequence, notice) = notices.Current;
                await WriteNoticeAsync(response, $"{subscription.Id}:{sequence}", notice, cancel.Token);
                if (notice is SessionEnded)
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
            if (next is not null)
                try { await next; } catch { /* the stream is over either way */ }
            subscriptions.Release(subscription);
        }
    }

    /// <summary>The caller's <c>Last-Event-ID</c> can no longer be resumed: notices may have been missed since.</summary>
    private static async Task WriteMissedAsync(HttpResponse response, string key, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(new MissedNotice(key, EventsMayHaveBeenMissed: true), HostJsonContext.Api.MissedNotice);
        await WriteEventAsync(response, null, Missed, data, cancellationToken);
    }

    private static async Task WriteNoticeAsync(HttpResponse response, string? id, IJanusSessionNotice notice, CancellationToken cancellationToken)
    {
        if (notice is SessionReclaimed reclaimed)
            foreach (var handle in reclaimed.Handles)
                await WriteHandleAsync(response, reclaimed.Key, handle, cancellationToken);

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

        await WriteEventAsync(response, id, name, buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>One handle's state after a reclaim, as its own event without an id (it belongs to the <c>reclaimed</c> after it).</summary>
    private static Task WriteHandleAsync(HttpResponse response, string key, HandleResync handle, CancellationToken cancellationToken)
    {
        var api = HostJsonContext.Api;
        var (name, data) = handle switch
        {
            Sessions.HandleResynced r => (HandleResynced, JsonSerializer.SerializeToUtf8Bytes(
                new HandleResyncedNotice(key, r.HandleId, r.Plugin, r.PluginState, r.Negotiated), api.HandleResyncedNotice)),
            PendingOfferRecovered p => (PendingOffer, JsonSerializer.SerializeToUtf8Bytes(
                new PendingOfferNotice(key, p.HandleId, p.Plugin, p.Jsep, p.Caller), api.PendingOfferNotice)),
            Sessions.HandleGone g => (HandleGone, JsonSerializer.SerializeToUtf8Bytes(new HandleGoneNotice(key, g.HandleId, g.Plugin), api.HandleGoneNotice)),
            Sessions.HandleNotResynced n => (HandleNotResynced, JsonSerializer.SerializeToUtf8Bytes(
                new HandleNotResyncedNotice(key, n.HandleId, n.Plugin, n.Reason), api.HandleNotResyncedNotice)),
            Sessions.RoomResynced r => (RoomResynced, JsonSerializer.SerializeToUtf8Bytes(
                new RoomResyncedNotice(key, r.HandleId, r.Plugin, r.Room, r.IsMember, r.Participants, r.Joined, r.Left, r.Published, r.Unpublished, r.Changed),
                api.RoomResyncedNotice)),
            _ => (null, []), // a kind this API does not know yet
        };
        return name is null ? Task.CompletedTask : WriteEventAsync(response, null, name, data, cancellationToken);
    }

    /// <summary>One event: its <c>id:</c> when it has one, its name, its JSON on one <c>data:</c> line, flushed at once.</summary>
    private static async Task WriteEventAsync(HttpResponse response, string? id, string name, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        // Serialized JSON never contains a raw newline, so one data: line carries it whole.
        await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(id is null ? $"event: {name}\ndata: " : $"id: {id}\nevent: {name}\ndata: "), cancellationToken);
        await response.BodyWriter.WriteAsync(json, cancellationToken);
        await response.BodyWriter.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private static async Task WriteCommentAsync(HttpResponse response, string comment, CancellationToken cancellationToken)
    {
        await response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes($": {comment}\n\n"), cancellationToken);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
