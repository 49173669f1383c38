using Janus.Actors.Servers;

namespace Janus.Actors;

/// <summary>How to reach Janus and how to keep sessions alive there.</summary>
public sealed record JanusOptions
{
    /// <summary>Janus WebSocket transport, e.g. <c>ws://127.0.0.1:8188/</c>.</summary>
    public Uri? WebSocketUrl { get; init; }

    /// <summary>Janus HTTP transport base, e.g. <c>http://127.0.0.1:8088/janus</c>.</summary>
    public Uri? RestUrl { get; init; }

    /// <summary>Janus <c>api_secret</c>, sent as <c>apisecret</c> with every request when set. Never logged.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Janus stored-auth token, sent as <c>token</c> with every request when set. Never logged.</summary>
    public string? Token { get; init; }

    /// <summary>
    /// Janus Admin API, e.g. <c>http://127.0.0.1:7088/admin</c> (<c>admin_http</c>) or <c>ws://127.0.0.1:7188/</c>
    /// (<c>admin_ws</c>: one socket, requests pipelined, faster for many handles), with <see cref="AdminSecret"/>: after a
    /// reclaim each handle is read back from it (<c>handle_info</c>: <see cref="Sessions.SessionReclaimed.Handles"/>), and
    /// draining uses it. Optional.
    /// </summary>
    public Uri? AdminUrl { get; init; }

    /// <summary>Janus <c>admin_secret</c>, needed with <see cref="AdminUrl"/>. Never logged.</summary>
    public string? AdminSecret { get; init; }

    /// <summary>
    /// The Janus servers sessions can live on, each named (<c>Janus:Servers</c>). Empty: the single-server settings above
    /// (<see cref="WebSocketUrl"/>, <see cref="RestUrl"/>, <see cref="ApiSecret"/>, <see cref="Token"/>, <see cref="AdminUrl"/>,
    /// <see cref="AdminSecret"/>) are the one server,
    /// named <see cref="JanusServerSettings.DefaultName"/>. One or the other, never both.
    /// </summary>
    public IReadOnlyList<JanusServerSettings> Servers { get; init; } = [];

    /// <summary>The servers in effect: <see cref="Servers"/>, or the single-server settings as the one named <c>default</c>.</summary>
    public IReadOnlyList<JanusServerSettings> EffectiveServers() => Servers.Count > 0
        ? Servers
        :
        [
            new JanusServerSettings
            {
                WebSocketUrl = WebSocketUrl, RestUrl = RestUrl, ApiSecret = ApiSecret, Token = Token, AdminUrl = AdminUrl, AdminSecret = AdminSecret,
                RestConnectionLimit = RestConnectionLimit ?? JanusServerSettings.DefaultRestConnectionLimit,
            },
        ];

    /// <summary>
    /// The single server's <see cref="JanusServerSettings.RestConnectionLimit"/> (null: its default, 1,016); with
    /// <see cref="Servers"/>, each server sets its own.
    /// </summary>
    public int? RestConnectionLimit { get; init; }

    /// <summary>
    /// Connections each node keeps to each Janus server's HTTP transport for requests (create, claim, keep-alive, attach,
    /// message, …), reused from one request to the next. More requests wait their turn for one, so that a burst (10,000
    /// claims after a crash) never takes the connections long polls need; they never wait behind a long poll, which has
    /// connections of its own. One of them carries the server's <c>info</c> probe. Counted in
    /// <see cref="JanusServerSettings.RestConnectionLimit"/>.
    /// </summary>
    public int RestRequestConnections { get; init; } = 16;

    /// <summary>These options as one server's sessions and transports use them: its URLs and credentials, the rest unchanged.</summary>
    public JanusOptions ForServer(JanusServerSettings server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return this with
        {
            WebSocketUrl = server.WebSocketUrl, RestUrl = server.RestUrl, ApiSecret = server.ApiSecret, Token = server.Token,
            AdminUrl = server.AdminUrl, AdminSecret = server.AdminSecret, Servers = [],
            RestConnectionLimit = server.RestConnectionLimit,
        };
    }

    /// <summary>How long a request may wait for its reply (for plugin messages: for the plugin's answer).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a caller waits for a session: a create waits for a connection and a reply, a plugin message for an ack and an event.</summary>
    internal TimeSpan AskTimeout => RequestTimeout * 2 + TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an ended session stays before it is forgotten: the journal's <see cref="Persistence.JanusJournalOptions.EndedSessionRetention"/>,
    /// which reaches the sessions through the actor system's configuration (<c>janus-actors.ended-session-retention</c>).
    /// </summary>
    internal TimeSpan EndedSessionRetention { get; init; } = Persistence.JanusJournalOptions.DefaultEndedSessionRetention;

    /// <summary>The journal as an error names it (<c>SQLite journal /data/janus-actors.db</c>), from the actor system's configuration (<c>janus-actors.journal-name</c>).</summary>
    internal string Journal { get; init; } = "the journal";

    /// <summary>
    /// Upper bound of the keep-alive period. The period used is the smallest of this and a third of the
    /// server's <c>session_timeout</c> and <c>reclaim_session_timeout</c> (read with <c>info</c>).
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often each node asks each Janus server for <c>info</c>: whether it is up, and whether it accepts new sessions.
    /// Placement skips a server whose last probe failed; in a cluster the nodes exchange their sessions per server as often.
    /// </summary>
    public TimeSpan ServerProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep-alives left unanswered in a row before the transport is declared dead and reconnected.</summary>
    public int MaxMissedKeepAlives { get; init; } = 2;

    /// <summary>
    /// Used for the reclaim deadline until the server's own <c>reclaim_session_timeout</c> is known
    /// (Janus may be unreachable when the process comes back).
    /// </summary>
    public TimeSpan AssumedReclaimTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First delay between reclaim attempts after a transient failure; doubles up to <see cref="MaxReclaimBackoff"/>.</summary>
    public TimeSpan MinReclaimBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Largest delay between reclaim attempts.</summary>
    public TimeSpan MaxReclaimBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest message accepted from Janus; larger ones are dropped, logged and counted.</summary>
    public int MaxMessageBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// WebSockets this node keeps open to each Janus server; every WebSocket session is pinned to one of them and its requests and
    /// events share it. A few are plenty: one socket carries thousands of claims a second, and Janus's WebSocket
    /// transport has a single service thread anyway. More sockets only shrink how many sessions one dropped socket takes
    /// with it.
    /// </summary>
    public int WebSocketConnections { get; init; } = 4;

    /// <summary>
    /// How long a REST session recovered after a crash waits for the events Janus queued for it before it claims (Janus
    /// answers a long poll at once when events are queued; the window only bounds the wait when none are). Only when the
    /// server has a connection to spare for it: see <see cref="JanusServerSettings.RestConnectionLimit"/>.
    /// </summary>
    public TimeSpan RestDrainWindow { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Events fetched per REST long poll (<c>maxev</c>).</summary>
    public int LongPollMaxEvents { get; init; } = 10;

    /// <summary>
    /// Every setting but the secrets, which show only whether they are set. A record prints all its properties by
    /// default, and options do reach logs: Akka's error for an actor that failed to start lists its Props arguments.
    /// </summary>
    public override string ToString() =>
        $"JanusOptions {{ WebSocketUrl = {WebSocketUrl}, RestUrl = {RestUrl}, ApiSecret = {(ApiSecret is null ? "not set" : "set")}, " +
        $"Token = {(Token is null ? "not set" : "set")}, AdminUrl = {AdminUrl}, AdminSecret = {(AdminSecret is null ? "not set" : "set")}, RequestTimeout = {RequestTimeout}, KeepAliveInterval = {KeepAliveInterval}, " +
        $"MaxMissedKeepAlives = {MaxMissedKeepAlives}, AssumedReclaimTimeout = {AssumedReclaimTimeout}, WebSocketConnections = {WebSocketConnections}, " +
        $"RestConnectionLimit = {RestConnectionLimit}, RestRequestConnections = {RestRequestConnections}, " +
        $"Servers = [{string.Join(", ", Servers)}] }}";

    /// <summary>The URL for a transport kind, or a clear error when it is not configured.</summary>
    public Uri UrlFor(Transports.JanusTransportKind kind) => kind switch
    {
        Transports.JanusTransportKind.WebSocket => WebSocketUrl ?? throw new InvalidOperationException("JanusOptions.WebSocketUrl is not set: WebSocket sessions need it"),
        Transports.JanusTransportKind.Rest => RestUrl ?? throw new InvalidOperationException("JanusOptions.RestUrl is not set: REST sessions need it"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown transport"),
    };

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming every setting that cannot work (no URL at all, a URL of the wrong
    /// kind, a timeout that is not positive, …). <c>AddJanusSessions</c> calls it, so a mistake stops the application at
    /// start-up instead of failing the first session.
    /// </summary>
    public void Validate()
    {
        if (Problems() is { Count: > 0 } problems)
            throw new ArgumentException($"Invalid JanusOptions: {string.Join("; ", problems)}");
    }

    /// <summary>Why <paramref name="url"/>, when set, cannot be <paramref name="setting"/>: not absolute, or not of these schemes.</summary>
    internal static string? UrlProblem(Uri? url, string setting, params string[] schemes) =>
        url is not null && (!url.IsAbsoluteUri || !schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
            ? $"{setting} must be an absolute {string.Join(" or ", schemes.Select(s => s + "://"))} URL"
            : null;

    /// <summary>
    /// Every setting that cannot work, in the words of <see cref="Validate"/>, each starting with the setting it is about
    /// (<c>WebSocketConnections must be from 1 to 64</c>, <c>server 'a': …</c>); empty when all can.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Servers.Count == 0 && WebSocketUrl is null && RestUrl is null) problems.Add("WebSocketUrl or RestUrl (or both) must be set");
        if (Servers.Count > 0 && (WebSocketUrl ?? RestUrl ?? ApiSecret ?? Token ?? AdminUrl ?? AdminSecret ?? (object?)RestConnectionLimit) is not null)
            problems.Add("set Servers or the single-server settings (WebSocketUrl, RestUrl, ApiSecret, Token, AdminUrl, AdminSecret, RestConnectionLimit), not both");
        problems.AddRange(Servers.SelectMany(server => server.Problems()));
        problems.AddRange(Servers.GroupBy(server => server.Name, StringComparer.OrdinalIgnoreCase).Where(same => same.Count() > 1)
            .Select(same => $"server name '{same.Key}' is used {same.Count()} times: names must differ"));
        if (Servers.Count > 0 && Servers.All(server => server.Retired)) problems.Add("every server is retired: at least one must take sessions");
        CheckUrl(WebSocketUrl, nameof(WebSocketUrl), "ws", "wss");
        CheckUrl(RestUrl, nameof(RestUrl), "http", "https");
        CheckUrl(AdminUrl, nameof(AdminUrl), "http", "https", "ws", "wss");
        if (Servers.Count == 0 && AdminUrl is not null && string.IsNullOrEmpty(AdminSecret)) problems.Add($"{nameof(AdminUrl)} needs {nameof(AdminSecret)}");
        CheckPositive(RequestTimeout, nameof(RequestTimeout));
        CheckPositive(KeepAliveInterval, nameof(KeepAliveInterval));
        CheckPositive(AssumedReclaimTimeout, nameof(AssumedReclaimTimeout));
        CheckPositive(MinReclaimBackoff, nameof(MinReclaimBackoff));
        CheckPositive(RestDrainWindow, nameof(RestDrainWindow));
        CheckPositive(ServerProbeInterval, nameof(ServerProbeInterval));
        if (MaxReclaimBackoff < MinReclaimBackoff) problems.Add($"{nameof(MaxReclaimBackoff)} must not be below {nameof(MinReclaimBackoff)}");
        if (MaxMissedKeepAlives < 1) problems.Add($"{nameof(MaxMissedKeepAlives)} must be at least 1");
        if (WebSocketConnections is < 1 or > 64) problems.Add($"{nameof(WebSocketConnections)} must be from 1 to 64");
        if (MaxMessageBytes < 1024) problems.Add($"{nameof(MaxMessageBytes)} must be at least 1024");
        if (LongPollMaxEvents < 1) problems.Add($"{nameof(LongPollMaxEvents)} must be at least 1");
        if (RestRequestConnections is < 2 or > 256) problems.Add($"{nameof(RestRequestConnections)} must be from 2 to 256 (one carries the info probe)");
        problems.AddRange(EffectiveServers().Where(server => server.RestUrl is not null && server.RestConnectionLimit <= RestRequestConnections)
            .Select(server => $"server '{server.Name}': RestConnectionLimit ({server.RestConnectionLimit}) must exceed {nameof(RestRequestConnections)} " +
                              $"({RestRequestConnections}), or no REST session has a connection for its long poll"));
        return problems;

        void CheckUrl(Uri? url, string name, params string[] schemes)
        {
            if (UrlProblem(url, name, schemes) is { } problem) problems.Add(problem);
        }

        void CheckPositive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero) problems.Add($"{name} must be positive");
        }
    }
}
