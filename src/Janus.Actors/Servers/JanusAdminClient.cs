using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Janus.Actors.Servers;

/// <summary>
/// The Janus Admin API (<see cref="JanusServerSettings.AdminUrl"/>) over HTTP (<c>http://…/admin</c>: a <c>POST</c> per
/// request) or over its WebSocket (<c>ws://…</c>: one socket, requests pipelined — see <see cref="JanusAdminWebSocket"/>):
/// draining a server (<c>accept_new_sessions</c>), reading handles back after a reclaim, and looking at what Janus really
/// holds (tests, diagnostics). Every request carries the admin secret (never logged) and a fresh transaction; an
/// <c>error</c> reply throws <see cref="JanusAdminException"/>.
/// </summary>
public sealed class JanusAdminClient(Uri adminUrl, string adminSecret) : IDisposable
{
    private readonly JanusAdminWebSocket? _webSocket = adminUrl.Scheme is "ws" or "wss" ? new(adminUrl) : null;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private long _lastTransaction;

    /// <summary>Over Janus's admin WebSocket: requests share one socket, pipelined, rather than an HTTP connection each.</summary>
    internal bool Pipelined => _webSocket is not null;

    /// <summary>Ids of every session Janus holds (<c>list_sessions</c>).</summary>
    public async Task<long[]> ListSessionsAsync(CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("list_sessions", new JsonObject(), cancellationToken);
        return Ids(reply, "sessions");
    }

    /// <summary>Ids of the handles attached to a session (<c>list_handles</c>).</summary>
    public async Task<long[]> ListHandlesAsync(long sessionId, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("list_handles", new JsonObject { ["session_id"] = sessionId }, cancellationToken);
        return Ids(reply, "handles");
    }

    /// <summary>
    /// The <c>info</c> object of <c>handle_info</c>: plugin, plugin state, <c>session_transport</c>,
    /// <c>session_last_activity</c>, WebRTC state.
    /// </summary>
    public async Task<JsonElement> HandleInfoAsync(long sessionId, long handleId, CancellationToken cancellationToken = default)
    {
        var reply = await SendAsync("handle_info",
            new JsonObject { ["session_id"] = sessionId, ["handle_id"] = handleId }, cancellationToken);
        return reply.GetProperty("info");
    }

    /// <summary>Destroys a session as if it had timed out (<c>destroy_session</c>).</summary>
    public Task DestroySessionAsync(long sessionId, CancellationToken cancellationToken = default) =>
        SendAsync("destroy_session", new JsonObject { ["session_id"] = sessionId }, cancellationToken);

    /// <summary>Changes Janus's <c>session_timeout</c> at run time (<c>set_session_timeout</c>); 0 disables it.</summary>
    public Task SetSessionTimeoutAsync(int seconds, CancellationToken cancellationToken = default) =>
        SendAsync("set_session_timeout", new JsonObject { ["timeout"] = seconds }, cancellationToken);

    /// <summary>
    /// Whether Janus accepts new sessions (<c>accept_new_sessions</c>): false drains it — <c>create</c> answers 472 while
    /// its sessions, claims and attaches keep working. Janus forgets it when it restarts.
    /// </summary>
    public Task AcceptNewSessionsAsync(bool accept, CancellationToken cancellationToken = default) =>
        SendAsync("accept_new_sessions", new JsonObject { ["accept"] = accept }, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _webSocket?.Dispose();
    }

    /// <summary>Sends one admin request and returns Janus's <c>success</c> reply.</summary>
    private async Task<JsonElement> SendAsync(string request, JsonObject members, CancellationToken cancellationToken)
    {
        var transaction = $"admin-{Interlocked.Increment(ref _lastTransaction)}";
        members["janus"] = request;
        members["transaction"] = transaction;
        members["admin_secret"] = adminSecret;
        var reply = _webSocket is not null
            ? await _webSocket.SendAsync(transaction, JsonSerializer.SerializeToUtf8Bytes(members), cancellationToken).ConfigureAwait(false)
            : await PostAsync(members, cancellationToken).ConfigureAwait(false);
        if (reply.GetProperty("janus").GetString() == "error")
        {
            var error = reply.GetProperty("error");
            throw new JanusAdminException(request, error.GetProperty("code").GetInt32(), error.GetProperty("reason").GetString() ?? "");
        }
        return reply;
    }

    private async Task<JsonElement> PostAsync(JsonObject members, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync(adminUrl, JsonContent.Create(members), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
    }

    private static long[] Ids(JsonElement reply, string member) =>
        reply.GetProperty(member).EnumerateArray().Select(id => id.GetInt64()).ToArray();
}
