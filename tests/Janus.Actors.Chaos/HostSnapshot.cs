namespace Janus.Actors.Chaos;

/// <summary>One session as the host lists it.</summary>
public sealed record HostSession(string Key, long? JanusSessionId, string State, string Server, IReadOnlyList<long> Handles, int? LastErrorCode, string? Node)
{
    public bool IsLive => State is "active" or "reclaiming" or "creating";
}

/// <summary>Every session the host lists (all pages of <c>GET /v1/sessions</c>), by key.</summary>
public static class HostSnapshot
{
    private const int PageSize = 1000;

    /// <summary>The host's sessions, or null with why when the host did not answer.</summary>
    public static async Task<(Dictionary<string, HostSession>? Sessions, string? Problem)> TakeAsync(HostApi api)
    {
        var sessions = new Dictionary<string, HostSession>(StringComparer.Ordinal);
        string? after = null;
        while (true)
        {
            var answer = await api.GetAsync($"v1/sessions?limit={PageSize}" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}"));
            if (!answer.Is(HttpStatusCode.OK)) return (null, $"GET /v1/sessions: {answer.Reason}");
            var page = answer.Json.EnumerateArray().Select(Read).ToList();
            foreach (var session in page) sessions[session.Key] = session;
            if (page.Count < PageSize) return (sessions, null);
            after = page[^1].Key;
        }
    }

    private static HostSession Read(JsonElement s) => new(
        s.GetProperty("key").GetString()!,
        s.GetProperty("janusSessionId").ValueKind == JsonValueKind.Number ? s.GetProperty("janusSessionId").GetInt64() : null,
        s.GetProperty("state").GetString()!,
        s.GetProperty("server").GetString()!,
        [.. s.GetProperty("handles").EnumerateArray().Select(h => h.GetProperty("handleId").GetInt64())],
        s.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } error && error.GetProperty("code").ValueKind == JsonValueKind.Number
            ? error.GetProperty("code").GetInt32()
            : null,
        s.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null);
}
