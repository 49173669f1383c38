using System.Net;
using System.Net.Http.Headers;
using Akka.Event;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// The HTTP calls of Janus's REST transport: POST a request on the server's request lane, long-poll a session's events on
/// its poll lane (<see cref="JanusRestConnections"/>). Every call brings its own deadline and is never cancelled otherwise:
/// see <see cref="JanusRestConnections"/> for why a long poll must run until Janus answers it.
/// </summary>
internal sealed class JanusRestClient(JanusOptions options, JanusRestConnections connections, ILoggingAdapter log)
{
    /// <summary>
    /// Longest wait for a long-poll answer. Janus answers an idle poll with a keepalive after 30 s; no answer in
    /// twice that means Janus is stuck.
    /// </summary>
    public static readonly TimeSpan LongPollTimeout = TimeSpan.FromSeconds(60);

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly string _baseUrl = options.UrlFor(JanusTransportKind.Rest).AbsoluteUri.TrimEnd('/');

    /// <summary>
    /// POSTs <paramref name="request"/> to <c>/janus</c>, <c>/janus/{session}</c> or <c>/janus/{session}/{handle}</c>.
    /// Returns Janus's answer, or null when it was dropped (malformed, oversized). Throws when Janus cannot be reached,
    /// answers with a non-success HTTP status, or does not answer within <see cref="JanusOptions.RequestTimeout"/>
    /// (waiting for a connection of the request lane included).
    /// </summary>
    public async Task<JanusMessage?> PostAsync(JanusRequest request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, PathFor(request))
        {
            Content = new ByteArrayContent(JanusCredentials.Apply(request, options).ToUtf8Json()) { Headers = { ContentType = Json } },
        };
        connections.RequestSent();
        try
        {
            var body = await ExchangeAsync(connections.Requests, message, options.RequestTimeout, notFoundIsAnAnswer: false).ConfigureAwait(false);
            connections.Answered();
            return body.Utf8 is { } utf8 ? JanusInbound.Parse(utf8, log) : null;
        }
        finally
        {
            connections.RequestDone();
        }
    }

    /// <summary>
    /// One long poll (<c>GET /janus/{session}?maxev=N</c>). Keepalives are left out. Throws like <see cref="PostAsync"/>
    /// (after <see cref="LongPollTimeout"/>), except that Janus not knowing the session is an answer: <see cref="LongPollAnswer.Gone"/>.
    /// </summary>
    public async Task<LongPollAnswer> PollAsync(long janusSessionId)
    {
        var url = $"{_baseUrl}/{janusSessionId}?maxev={options.LongPollMaxEvents}{JanusCredentials.ToQuery(options)}";
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        connections.PollSent();
        HttpBody body;
        try
        {
            body = await ExchangeAsync(connections.Polls, message, LongPollTimeout, notFoundIsAnAnswer: true).ConfigureAwait(false);
        }
        finally
        {
            connections.PollDone();
        }
        connections.Answered();

        // Janus 1.1.2 answers an unknown session with a bare 404; a JSON 458 is accepted too.
        if (body.Status == HttpStatusCode.NotFound)
            return new LongPollAnswer.Gone((int)JanusErrorCode.SessionNotFound, "Janus answered the long poll with HTTP 404: no such session");

        var events = body.Utf8 is { } utf8 ? JanusInbound.ParseBatch(utf8, log) : [];
        if (events.FirstOrDefault(e => e.Error?.Code == (int)JanusErrorCode.SessionNotFound) is { Error: { } gone })
            return new LongPollAnswer.Gone(gone.Code, gone.Reason ?? "no such session");

        return new LongPollAnswer.Events(events.Where(e => e.Janus != JanusMessageKinds.KeepAlive).ToList(), events.Count);
    }

    private string PathFor(JanusRequest request) => (request.SessionId, request.HandleId) switch
    {
        ({ } session, { } handle) => $"{_baseUrl}/{session}/{handle}",
        ({ } session, null) => $"{_baseUrl}/{session}",
        _ => _baseUrl,
    };

    // Sends and reads the body, at most MaxMessageBytes of it. A non-success status throws, except a 404 when the
    // caller gives it a meaning.
    private async Task<HttpBody> ExchangeAsync(HttpClient http, HttpRequestMessage message, TimeSpan timeout, bool notFoundIsAnAnswer)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (notFoundIsAnAnswer && response.StatusCode == HttpStatusCode.NotFound)
                return new HttpBody(response.StatusCode, null);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Janus answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            return new HttpBody(response.StatusCode, await ReadLimitedAsync(response.Content, deadline.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Janus did not answer within {timeout.TotalSeconds:0.###} s");
        }
    }

    private async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellation)
    {
        var max = options.MaxMessageBytes;
        if (content.Headers.ContentLength is { } declared && declared > max)
        {
            JanusInbound.RejectOversized(declared, max, log);
            return null;
        }

        // Janus sends JSON chunked, without a length: read up to the limit, then only count the rest, like the
        // WebSocket transport does, so that the log says how big the message was.
        await using var stream = await content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total <= max)
                body.Write(chunk, 0, read);
        }

        if (total <= max)
            return body.ToArray();
        JanusInbound.RejectOversized(total, max, log);
        return null;
    }

    private readonly record struct HttpBody(HttpStatusCode Status, byte[]? Utf8);
}

/// <summary>What one long poll brought.</summary>
internal abstract record LongPollAnswer
{
    /// <summary>Events in Janus's order, keepalives removed; possibly none. <paramref name="Polled"/> counts what the poll
    /// brought, keepalives included: a batch of <c>maxev</c> means more may be queued.</summary>
    public sealed record Events(IReadOnlyList<JanusMessage> Messages, int Polled) : LongPollAnswer;

    /// <summary>Janus does not know the session (any more).</summary>
    public sealed record Gone(int Code, string Reason) : LongPollAnswer;
}
