using System.Text.RegularExpressions;

namespace Janus.Actors.Servers;

/// <summary>
/// One Janus server sessions can live on (<c>Janus:Servers</c>): how to reach it, its own credentials, and what placement
/// weighs. A session is pinned to its server for life: its claims, keep-alives and requests go there only.
/// </summary>
public sealed partial record JanusServerSettings
{
    /// <summary>The server of the single-server settings (<c>Janus:WebSocketUrl</c>, …), and of sessions journaled before servers had names.</summary>
    public const string DefaultName = "default";

    /// <summary>The server's name, persisted with each of its sessions: letters, digits, <c>.</c>, <c>_</c> and <c>-</c>.</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>Its WebSocket transport, e.g. <c>ws://10.0.0.7:8188/</c>.</summary>
    public Uri? WebSocketUrl { get; init; }

    /// <summary>Its HTTP transport base, e.g. <c>http://10.0.0.7:8088/janus</c>.</summary>
    public Uri? RestUrl { get; init; }

    /// <summary>Its <c>api_secret</c>. Never logged.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Its stored-auth token. Never logged.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// Its Admin API, for draining and for reading handles back after a reclaim; optional. Over HTTP
    /// (<c>http://10.0.0.7:7088/admin</c>, <c>admin_http</c>) or, faster for many handles, over its WebSocket
    /// (<c>ws://10.0.0.7:7188/</c>, <c>admin_ws</c>).
    /// </summary>
    public Uri? AdminUrl { get; init; }

    /// <summary>Its <c>admin_secret</c>. Never logged.</summary>
    public string? AdminSecret { get; init; }

    /// <summary>Sessions it should hold at most; placement compares live sessions ÷ capacity. Null: no limit (weight alone).</summary>
    public int? Capacity { get; init; }

    /// <summary>Its share of new sessions among servers equally loaded; 0 takes none unless it is the only one up.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Its zone, for placement that prefers a zone a request names; optional.</summary>
    public string? Zone { get; init; }

    /// <summary>
    /// Connections this host may hold to the server's HTTP transport (<c>RestUrl</c>) at once, every node of a cluster
    /// together: REST sessions' long polls and each node's <see cref="JanusOptions.RestRequestConnections"/>. Janus serves at most
    /// <c>mhd_connection_limit</c> HTTP connections (<c>janus.transport.http.jcfg</c>; 1,020 by default), and beyond it
    /// accepts none until one closes — every REST session of the server then stalls. Keep this at or below that limit, less
    /// what other clients of that port use; the default leaves 4 of Janus's default for probes and tools. A REST create
    /// beyond it goes to another server or is refused.
    /// </summary>
    public int RestConnectionLimit { get; init; } = DefaultRestConnectionLimit;

    /// <summary>The default <see cref="RestConnectionLimit"/>: Janus's default <c>mhd_connection_limit</c> (1,020) less 4.</summary>
    public const int DefaultRestConnectionLimit = 1016;

    /// <summary>
    /// Removed from service: nothing is placed there, and its sessions still in the journal end lost ("server retired")
    /// instead of stopping the host at start-up.
    /// </summary>
    public bool Retired { get; init; }

    /// <summary>Whether sessions of this transport can live here (the server has its URL).</summary>
    public bool Serves(Transports.JanusTransportKind transport) =>
        (transport == Transports.JanusTransportKind.Rest ? RestUrl : WebSocketUrl) is not null;

    /// <summary>Every setting but the secrets, which show only whether they are set.</summary>
    public override string ToString() =>
        $"JanusServerSettings {{ Name = {Name}, WebSocketUrl = {WebSocketUrl}, RestUrl = {RestUrl}, ApiSecret = {Set(ApiSecret)}, " +
        $"Token = {Set(Token)}, AdminUrl = {AdminUrl}, AdminSecret = {Set(AdminSecret)}, Capacity = {Capacity}, Weight = {Weight}, " +
        $"Zone = {Zone}, Retired = {Retired}, RestConnectionLimit = {RestConnectionLimit} }}";

    /// <summary>Every setting that cannot work, each naming the server; empty when all can.</summary>
    internal IEnumerable<string> Problems()
    {
        if (!IsValidName(Name))
            yield return $"server name '{Name}' must be 1 to 64 letters, digits, '.', '_' or '-'";
        if (WebSocketUrl is null && RestUrl is null)
            yield return $"server '{Name}': WebSocketUrl or RestUrl (or both) must be set";
        if (UrlProblem(WebSocketUrl, nameof(WebSocketUrl), "ws", "wss") is { } ws) yield return ws;
        if (UrlProblem(RestUrl, nameof(RestUrl), "http", "https") is { } rest) yield return rest;
        if (UrlProblem(AdminUrl, nameof(AdminUrl), "http", "https", "ws", "wss") is { } admin) yield return admin;
        if (AdminUrl is not null && string.IsNullOrEmpty(AdminSecret))
            yield return $"server '{Name}': AdminUrl needs AdminSecret";
        if (Capacity is < 1)
            yield return $"server '{Name}': Capacity must be at least 1 when set";
        if (Weight < 0)
            yield return $"server '{Name}': Weight must not be negative";
        if (RestConnectionLimit < 2)
            yield return $"server '{Name}': RestConnectionLimit must be at least 2";
    }

    private string? UrlProblem(Uri? url, string setting, params string[] schemes) =>
        JanusOptions.UrlProblem(url, setting, schemes) is { } problem ? $"server '{Name}': {problem}" : null;

    private static string Set(string? secret) => secret is null ? "not set" : "set";

    /// <summary>Whether <paramref name="name"/> can name a server: 1 to 64 letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</summary>
    public static bool IsValidName(string? name) => ValidName().IsMatch(name ?? "");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();
}
