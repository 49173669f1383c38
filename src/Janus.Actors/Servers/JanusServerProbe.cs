using System.Net.WebSockets;
using System.Text.Json;
using Janus.Actors.Protocol;
using Janus.Actors.Transports;

namespace Janus.Actors.Servers;

/// <summary>Janus did not answer <c>info</c>. The message names the URL (without credentials) and the reason.</summary>
internal sealed class JanusServerUnavailableException(string message, Exception? inner = null) : JanusException(message, inner);

/// <summary>
/// A server's <c>info</c>, asked outside any session: <c>GET {RestUrl}/info</c> on the server's own probe connection when
/// it has a REST URL (cheapest), and over a short-lived WebSocket (subprotocol <c>janus-protocol</c>) when it has none or
/// its REST transport fails — a server whose HTTP transport is down but whose WebSocket answers is up. Janus answers
/// <c>info</c> without the api secret; the WebSocket probe sends it anyway when set. Only a server's home
/// (<see cref="JanusServerActor"/>) asks.
/// </summary>
internal static class JanusServerProbe
{
    /// <param name="options">The node's options for this server (<see cref="JanusOptions.ForServer"/>).</param>
    /// <param name="rest">The server's REST probe connection; null when it has no REST URL.</param>
    /// <param name="cancellationToken">Bounds the whole probe, fallback included.</param>
    /// <exception cref="JanusServerUnavailableException">Janus refused the connection, answered something else, or not in time.</exception>
    public static async Task<JanusServerInfo> InfoAsync(JanusOptions options, HttpClient? rest, CancellationToken cancellationToken)
    {
        if (options.RestUrl is { } restUrl && rest is not null)
        {
            try
            {
                return await AskAsync(restUrl, () => RestInfoAsync(rest, restUrl, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (JanusServerUnavailableException) when (options.WebSocketUrl is not null && !cancellationToken.IsCancellationRequested)
            {
            }
        }
        var webSocketUrl = options.WebSocketUrl ?? throw new ArgumentException("neither a REST nor a WebSocket URL is configured", nameof(options));
        return await AskAsync(webSocketUrl, () => WebSocketInfoAsync(webSocketUrl, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JanusServerInfo> AskAsync(Uri url, Func<Task<byte[]>> ask, CancellationToken cancellationToken)
    {
        var shown = Redacted(url);
        try
        {
            var reply = JanusMessage.Parse(await ask().ConfigureAwait(false));
            if (reply.Janus == JanusMessageKinds.Error)
                throw new JanusServerUnavailableException($"Janus at {shown} refused info: {reply.Error?.Code} {reply.Error?.Reason}");
            if (reply.Janus != JanusMessageKinds.ServerInfo)
                throw new JanusServerUnavailableException($"Janus at {shown} answered info with '{reply.Janus}', not server_info");
            return JanusServerInfo.From(reply);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new JanusServerUnavailableException($"Janus at {shown} did not answer info in time", e);
        }
        catch (Exception e) when (e is HttpRequestException or WebSocketException or IOException or JsonException)
        {
            throw new JanusServerUnavailableException($"Janus at {shown} did not answer info: {e.Message}", e);
        }
    }

    private static async Task<byte[]> RestInfoAsync(HttpClient http, Uri restUrl, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(restUrl.ToString().TrimEnd('/') + "/info"), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        return body;
    }

    private static async Task<byte[]> WebSocketInfoAsync(Uri url, JanusOptions options, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(JanusWebSocketConnection.SubProtocol);
        await socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        var request = JanusCredentials.Apply(JanusRequests.Info("server-probe"), options);
        await socket.SendAsync(request.ToUtf8Json(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);

        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length) throw new JsonException("info reply larger than 64 KiB");
            var frame = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (frame.MessageType == WebSocketMessageType.Close) throw new WebSocketException("Janus closed the WebSocket");
            length += frame.Count;
            if (frame.EndOfMessage) break;
        }
        socket.Abort(); // nothing else to say; Janus does not mind a dropped probe socket (no session on it)
        return buffer[..length];
    }

    private static string Redacted(Uri url) => new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.ToString();
}
