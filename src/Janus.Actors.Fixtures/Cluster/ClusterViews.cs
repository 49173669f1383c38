namespace Janus.Actors.Fixtures;

/// <summary>
/// One session as <c>GET /v1/sessions[/{key}]</c> shows it, on any node of the cluster: what a user of the API sees.
/// <see cref="Node"/> is the cluster node hosting it (<c>127.0.0.1:4051</c>), null when the host does not say.
/// </summary>
public sealed record SessionView(
    string Key,
    long? JanusSessionId,
    string State,
    string Transport,
    long[] HandleIds,
    int Reclaims,
    int? LastErrorCode,
    string? LastErrorReason,
    string? Node,
    string? Server = null)
{
    public static SessionView Parse(JsonElement session) => new(
        session.GetProperty("key").GetString()!,
        session.GetProperty("janusSessionId") is { ValueKind: JsonValueKind.Number } id ? id.GetInt64() : null,
        session.GetProperty("state").GetString()!,
        session.GetProperty("transport").GetString()!,
        session.GetProperty("handles").EnumerateArray().Select(h => h.GetProperty("handleId").GetInt64()).ToArray(),
        session.GetProperty("reclaims").GetInt32(),
        session.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.Object
            && error.GetProperty("code") is { ValueKind: JsonValueKind.Number } code ? code.GetInt32() : null,
        session.TryGetProperty("lastError", out error) && error.ValueKind == JsonValueKind.Object ? error.GetProperty("reason").GetString() : null,
        session.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String ? node.GetString() : null,
        session.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.String ? server.GetString() : null);

    public static IReadOnlyList<SessionView> ParseList(JsonElement sessions) => sessions.EnumerateArray().Select(Parse).ToList();

    public override string ToString() =>
        $"{Key} {State} on {Node ?? "?"} (janus {JanusSessionId?.ToString() ?? "-"}, {Transport}, reclaims {Reclaims}" +
        (LastErrorCode is null && LastErrorReason is null ? ")" : $", last error {LastErrorCode} {LastErrorReason})");
}

/// <summary>A session the test created with one echotest handle, as the create and attach replies said.</summary>
public sealed record CreatedSession(string Key, string Transport, long JanusSessionId, long HandleId, string? Node);

/// <summary>One member in <c>GET /v1/cluster</c>.</summary>
public sealed record ClusterMember(string Node, string Status);

/// <summary>
/// <c>GET /v1/cluster</c> of one node: <c>{"self":..,"leader":..,"members":[{"node":..,"status":"up"}],"unreachable":[..]}</c>.
/// </summary>
public sealed record ClusterView(string Self, string? Leader, IReadOnlyList<ClusterMember> Members, IReadOnlyList<string> Unreachable)
{
    public static ClusterView Parse(JsonElement view) => new(
        view.GetProperty("self").GetString()!,
        view.TryGetProperty("leader", out var leader) && leader.ValueKind == JsonValueKind.String ? leader.GetString() : null,
        view.GetProperty("members").EnumerateArray()
            .Select(m => new ClusterMember(m.GetProperty("node").GetString()!, m.GetProperty("status").GetString()!)).ToList(),
        view.GetProperty("unreachable").EnumerateArray().Select(u => u.ValueKind == JsonValueKind.String
            ? u.GetString()!
            : u.GetProperty("node").GetString()!).ToList());

    /// <summary>True when exactly <paramref name="nodes"/> are members, all <c>up</c>, and none is unreachable.</summary>
    public bool AllUp(IReadOnlyCollection<string> nodes) =>
        Unreachable.Count == 0
        && Members.Count == nodes.Count
        && nodes.All(n => Members.Any(m => m.Node == n && m.Status == "up"));

    public bool IsMember(string node) => Members.Any(m => m.Node == node);

    public override string ToString() =>
        $"self {Self}, leader {Leader ?? "none"}, members [{string.Join(", ", Members.Select(m => $"{m.Node} {m.Status}"))}], unreachable [{string.Join(", ", Unreachable)}]";
}
