using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Janus.Actors.Transports;

namespace Janus.Actors.Diagnostics;

/// <summary>What Janus's <c>info</c> says about the server (the parts this library depends on).</summary>
/// <param name="Version">e.g. <c>1.1.2</c>.</param>
/// <param name="SessionTimeoutSeconds"><c>session_timeout</c>.</param>
/// <param name="ReclaimSessionTimeoutSeconds"><c>reclaim_session_timeout</c>: 0 means WebSocket sessions cannot survive a crash.</param>
/// <param name="AcceptingNewSessions"><c>accepting-new-sessions</c>: false once the Admin API's <c>accept_new_sessions</c> drained it (creates then answer 472).</param>
public sealed record JanusServerInfo(string? Version, int SessionTimeoutSeconds, int ReclaimSessionTimeoutSeconds, bool AcceptingNewSessions = true);

/// <summary>What one configured Janus server answered to <c>info</c>, or (<paramref name="Problem"/>) why it did not.</summary>
public sealed record JanusServerAnswer(Servers.JanusServerSettings Server, JanusServerInfo? Info, string? Problem);

/// <summary>Janus did not answer <c>info</c>. The message names the URL (without credentials) and the reason.</summary>
public sealed class JanusServerUnavailableException(string message, Exception? inner = null) : JanusException(message, inner);

/// <summary>
/// Asks Janus for <c>info</c> outside any session, for readiness checks: <c>GET {RestUrl}/info</c> when a REST URL is
/// configured (cheapest), else a short-lived WebSocket (subprotocol <c>janus-protocol</c>) carrying one <c>info</c>
/// request. Janus answers <c>info</c> without the api secret; the probe sends it anyway over WebSocket when set.
/// </summary>
public static class JanusServerProbe
{
    // Not pooled: a readiness check or the start-up log asks now and then, and a connection kept idle meanwhile would be one
    // of Janus's HTTP connections that no REST budget counts (the monitor probes on its server's own, counted one).
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = Timeout.InfiniteTimeSpan, // the caller's token bounds each probe
    };

    /// <exception cref="JanusServerUnavailableException">Janus refused the connection, answered something else, or not before <paramref name="cancellationToken"/>.</exception>
    public static Task<JanusServerInfo> InfoAsync(JanusOptions options, CancellationToken cancellationToken) => InfoAsync(options, Http, cancellationToken);

    /// <summary>As <see cref="InfoAsync(JanusOptions, CancellationToken)"/>, over REST on <paramref name="http"/> (a server's own probe connection).</summary>
    internal static async Task<JanusServerInfo> InfoAsync(JanusOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.RestUrl ?? options.WebSocketUrl ?? throw new ArgumentException("neither a REST nor a WebSocket URL is configured", nameof(options));
        var shown = Redacted(url);
        try
        {
            var json = options.RestUrl is { } rest
                ? await RestInfoAsync(http, rest, cancellationToken).ConfigureAwait(false)
                : await WebSocketInfoAsync(options.WebSocketUrl!, options.ApiSecret, options.Token, cancellationToken).ConfigureAwait(false);
            return Parse(json, shown);
        }
        catch (JanusServerUnavailableException)
        {
            throw;
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

    /// <summary>Asks every server in service (<see cref="JanusOptions.EffectiveServers"/>, retired ones skipped) for <c>info</c> at once.</summary>
    public static async Task<IReadOnlyList<JanusServerAnswer>> InfoOfEachAsync(JanusOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return await Task.WhenAll(options.EffectiveServers().Where(server => !server.Retired).Select(async server =>
        {
            try
            {
                return new JanusServerAnswer(server, await InfoAsync(options.ForServer(server), cancellationToken).ConfigureAwait(false), null);
            }
            catch (JanusServerUnavailableException e)
            {
                return new JanusServerAnswer(server, null, e.Message);
            }
        })).ConfigureAwait(false);
    }

    private static async Task<string> RestInfoAsync(HttpClient http, Uri restUrl, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(restUrl.ToString().TrimEnd('/') + "/info"), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        return body;
    }

    private static async Task<string> WebSocketInfoAsync(Uri url, string? apiSecret, string? token, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(JanusWebSocketConnection.SubProtocol);
        await socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        var request = new Dictionary<string, string> { ["janus"] = "info", ["transaction"] = "readiness-probe" };
        if (apiSecret is not null) request["apisecret"] = apiSecret;
        if (token is not null) request["token"] = token;
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);

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
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static JanusServerInfo Parse(string json, string shown)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var kind = root.TryGetProperty("janus", out var janus) ? janus.GetString() : null;
        if (kind == "error")
        {
            var error = root.TryGetProperty("error", out var e) ? e : default;
            var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) ? c.GetInt32() : 0;
            var reason = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("reason", out var r) ? r.GetString() : null;
            throw new JanusServerUnavailableException($"Janus at {shown} refused info: {code} {reason}");
        }
        if (kind != "server_info")
            throw new JanusServerUnavailableException($"Janus at {shown} answered info with '{kind}', not server_info");
        return new JanusServerInfo(
            root.TryGetProperty("version_string", out var version) ? version.GetString() : null,
            root.TryGetProperty("session-timeout", out var session) && session.TryGetInt32(out var s) ? s : 0,
            root.TryGetProperty("reclaim-session-timeout", out var reclaim) && reclaim.TryGetInt32(out var r2) ? r2 : 0,
            !root.TryGetProperty("accepting-new-sessions", out var accepting) || accepting.ValueKind != JsonValueKind.False);
    }

    private static string Redacted(Uri url) => new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.ToString();
}
