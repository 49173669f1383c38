using System.Net;
using System.Text.RegularExpressions;
using Janus.Actors.Cluster;
using Janus.Actors.Hosting;
using Janus.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Host.Configuration;

/// <summary>
/// Everything the host reads from configuration (appsettings.json, environment variables with <c>__</c>,
/// command line), validated once at start-up. Secrets live here but are never part of <see cref="ToString"/>.
/// </summary>
public sealed record HostSettings(JanusOptions Janus, JanusJournalOptions Journal, ApiSettings Api, string? AkkaHocon = null, bool JsonLogs = false,
    JanusClusterOptions? Cluster = null)
{
    public const string DefaultConnectionString = "Data Source=data/janus-actors.db";
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// Reads and validates the settings; throws <see cref="HostConfigurationException"/> naming the first bad setting. The
    /// library's own options (<c>Janus:*</c>, <c>Journal:*</c>, <c>Cluster:*</c>) are bound by name and checked by the
    /// library's rules alone (<see cref="JanusSessionsOptions.Problems"/>); the host adds its own few (<c>Api:*</c>,
    /// <c>Logging:Format</c>, <c>Akka:Hocon</c>) and parses the journal's connection string as its driver will.
    /// </summary>
    public static HostSettings Load(IConfiguration configuration)
    {
        var janus = ReadJanus(configuration);
        var journal = Bind(configuration, "Journal", new JanusJournalOptions());
        if (journal.ConnectionString.Length == 0 && journal.Provider == JanusJournalProvider.Sqlite)
            journal = journal with { ConnectionString = DefaultConnectionString };
        var cluster = ReadCluster(configuration);
        if (new JanusSessionsOptions { Janus = janus, Journal = journal, Cluster = cluster }.Problems() is [var first, ..])
            throw Named(first);
        CheckConnectionString(journal.Provider, journal.ConnectionString);

        var urls = ParseUrls(Optional(configuration, "Api:Urls") ?? DefaultUrls);
        var api = new ApiSettings(urls.Select(u => u.Text).ToArray(), urls.All(u => IsLoopback(u.Url)), Optional(configuration, "Api:Token"));
        return new HostSettings(janus, journal, api, ReadAkkaHocon(configuration), ReadJsonLogs(configuration), cluster);
    }

    /// <summary>
    /// A problem of <see cref="JanusSessionsOptions.Problems"/> (<c>Journal: ConnectionString must be set …</c>) as the host
    /// setting it is about (<c>Journal:ConnectionString</c>): the one it names as <c>Part.Setting</c>, else its part's
    /// setting it starts with, else its part.
    /// </summary>
    private static HostConfigurationException Named(string problem)
    {
        var colon = problem.IndexOf(": ", StringComparison.Ordinal);
        var (part, rest) = colon < 0 ? ("Janus", problem) : (problem[..colon], problem[(colon + 2)..]);
        if (Regex.Match(rest, @"\b(?<part>Janus|Journal|Cluster)\.(?<setting>\w+)") is { Success: true } named)
            return new HostConfigurationException($"{named.Groups["part"].Value}:{named.Groups["setting"].Value}", rest);
        var setting = rest.Split(' ', 2)[0];
        var type = part switch { "Journal" => typeof(JanusJournalOptions), "Cluster" => typeof(JanusClusterOptions), _ => typeof(JanusOptions) };
        if (type.GetProperty(setting) is not null) return new HostConfigurationException($"{part}:{setting}", rest[(setting.Length + 1)..]);
        var aboutServers = part == "Janus" && (rest.StartsWith("server", StringComparison.Ordinal) || rest.Contains("Servers", StringComparison.Ordinal));
        return new HostConfigurationException(aboutServers ? "Janus:Servers" : part, rest);
    }

    /// <summary>A summary that is safe to log: no secret, no connection string, no URL credentials.</summary>
    public override string ToString() =>
        (Janus.Servers.Count == 0
            ? $"Janus WebSocket {Redacted(Janus.WebSocketUrl)}, Janus REST {Redacted(Janus.RestUrl)}"
            : "Janus servers " + string.Join(", ", Janus.Servers.Select(server =>
                $"{server.Name} ({Redacted(server.WebSocketUrl ?? server.RestUrl)}{(server.Retired ? ", retired" : "")})"))) +
        $", {Journal}, API {string.Join(' ', Api.Urls)}" + (Cluster is null ? "" : $", {Cluster}");

    /// <summary>
    /// <c>Janus:*</c>: the library's own <see cref="JanusOptions"/>, bound by name (every tunable: <c>Janus:RequestTimeout</c>,
    /// <c>Janus:KeepAliveInterval</c>, <c>Janus:MaxReclaimBackoff</c>, …) and checked by the library's own rules
    /// (<see cref="JanusOptions.Problems"/>), the first of them named as its setting. Blank values count as unset; a key
    /// <see cref="JanusOptions"/> does not have is refused rather than ignored.
    /// </summary>
    private static JanusOptions ReadJanus(IConfiguration configuration) =>
        Bind(configuration, "Janus", new JanusOptions(), except: "Janus:Servers") with { Servers = ReadServers(configuration) };

    /// <summary>
    /// <paramref name="options"/> with the settings under <paramref name="section"/> bound by name, but for those under
    /// <paramref name="except"/>; blank values count as unset, and a key the options do not have is refused.
    /// </summary>
    private static T Bind<T>(IConfiguration configuration, string section, T options, string? except = null) where T : class
    {
        var set = new ConfigurationBuilder().AddInMemoryCollection(configuration.GetSection(section).AsEnumerable()
            .Where(pair => !string.IsNullOrWhiteSpace(pair.Value) && (except is null || !pair.Key.StartsWith(except, StringComparison.OrdinalIgnoreCase)))
            .Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value!.Trim()))).Build();
        try
        {
            set.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
            return options;
        }
        catch (InvalidOperationException e)
        {
            // The binder names the key and the type it wanted (never the value: a URL or a secret may be in it).
            if (Regex.Match(e.Message, "at '(?<key>[^']+)' to type '(?<type>[^']+)'") is { Success: true } conversion)
                throw new HostConfigurationException(conversion.Groups["key"].Value, $"cannot be read as {Friendly(conversion.Groups["type"].Value)}");
            throw new HostConfigurationException(section, $"has a setting this host does not know ({e.Message[(e.Message.LastIndexOf(':') + 1)..].Trim()}); " +
                $"they are {string.Join(", ", typeof(T).GetProperties().Where(property => property.CanWrite).Select(property => property.Name))}");
        }

        static string Friendly(string type) => type switch
        {
            "System.TimeSpan" => "a time span (e.g. 00:00:05)",
            "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Boolean" => "true or false",
            "System.Uri" => "a URL",
            "Janus.Actors.Persistence.JanusJournalProvider" => "sqlite or postgresql",
            _ => type,
        };
    }

    /// <summary>
    /// <c>Janus:Servers</c>: a list of named servers (<c>Janus:Servers:0:Name</c>, <c>…:WebSocketUrl</c>, <c>…:RestUrl</c>,
    /// <c>…:ApiSecret</c>, <c>…:Token</c>, <c>…:AdminUrl</c>, <c>…:AdminSecret</c>, <c>…:Capacity</c>, <c>…:Weight</c>,
    /// <c>…:Zone</c>, <c>…:Retired</c>), instead of the single-server <c>Janus:WebSocketUrl</c>/<c>Janus:RestUrl</c>.
    /// </summary>
    /// <remarks>
    /// Bound entry by entry (<see cref="Bind{T}"/>): a list binder skips an entry it cannot convert (a typo in
    /// <c>Capacity</c> would silently drop the whole server), and an unknown key (<c>Capcity</c>) is refused rather than ignored.
    /// </remarks>
    private static List<Servers.JanusServerSettings> ReadServers(IConfiguration configuration) =>
        configuration.GetSection("Janus:Servers").GetChildren().Select(entry => Bind(configuration, entry.Path, new Servers.JanusServerSettings())).ToList();

    /// <summary>
    /// <c>Cluster:Enabled</c> = true makes this host a node of a cluster: <c>Cluster:Port</c> (Akka.Remote TCP port),
    /// <c>Cluster:Hostname</c> (what the other nodes reach this one at; default 127.0.0.1), and how it finds the others:
    /// <c>Cluster:Seeds</c> (comma-separated <c>host:port</c>, the same on every node), or <c>Cluster:Discovery</c>
    /// <c>config</c> (<c>Cluster:ContactPoints</c>, every node's comma-separated <c>host:port</c>) or <c>kubernetes</c>
    /// (the pods <c>Cluster:KubernetesPodLabelSelector</c> selects), with <c>Cluster:RequiredContactPoints</c>. The library
    /// checks them (and that the journal is PostgreSQL).
    /// </summary>
    private static JanusClusterOptions? ReadCluster(IConfiguration configuration)
    {
        var enabled = Optional(configuration, "Cluster:Enabled");
        if (enabled is null) return null;
        if (!bool.TryParse(enabled, out var on)) throw new HostConfigurationException("Cluster:Enabled", "cannot be read as true or false");
        if (!on) return null;
        var defaults = new JanusClusterOptions();
        var discovery = Optional(configuration, "Cluster:Discovery") is { } method
            ? Enum.TryParse<JanusClusterDiscovery>(method, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new HostConfigurationException("Cluster:Discovery", "must be seeds, config or kubernetes")
            : JanusClusterDiscovery.Seeds;
        return new JanusClusterOptions(Optional(configuration, "Cluster:Hostname") ?? "127.0.0.1", WholeNumber(configuration, "Cluster:Port") ?? 0,
            List(configuration, "Cluster:Seeds"))
        {
            Discovery = discovery,
            RequiredContactPoints = WholeNumber(configuration, "Cluster:RequiredContactPoints") ?? defaults.RequiredContactPoints,
            ContactPoints = List(configuration, "Cluster:ContactPoints"),
            KubernetesPodLabelSelector = Optional(configuration, "Cluster:KubernetesPodLabelSelector") ?? defaults.KubernetesPodLabelSelector,
        };
    }

    private static int? WholeNumber(IConfiguration configuration, string key) => Optional(configuration, key) is { } text
        ? int.TryParse(text, out var number) ? number : throw new HostConfigurationException(key, "cannot be read as a whole number")
        : null;

    /// <summary>A comma-separated list (<c>a:1,b:2</c>).</summary>
    private static string[] List(IConfiguration configuration, string key) =>
        (Optional(configuration, key) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// <c>Akka:Hocon</c>: HOCON that overrides any Akka key, including every key of the embedded <c>hocon/*.conf</c>
    /// (e.g. <c>akka.persistence.max-concurrent-recoveries = 100</c>). Parsed here so a typo stops the start.
    /// </summary>
    private static string? ReadAkkaHocon(IConfiguration configuration)
    {
        if (Optional(configuration, "Akka:Hocon") is not { } hocon)
            return null;
        try
        {
            _ = Akka.Configuration.ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e)
        {
            // The parser's message points at the position; the HOCON itself is not echoed (it may hold a connection string).
            throw new HostConfigurationException("Akka:Hocon", $"is not valid HOCON: {e.Message.Split('\n')[0]}");
        }
        return hocon;
    }

    /// <summary><c>Logging:Format</c>: <c>text</c> (default, for people) or <c>json</c> (compact JSON, one event a line).</summary>
    private static bool ReadJsonLogs(IConfiguration configuration) => Optional(configuration, "Logging:Format")?.ToLowerInvariant() switch
    {
        null or "text" => false,
        "json" => true,
        _ => throw new HostConfigurationException("Logging:Format", "must be 'text' or 'json'"),
    };

    private static string? Optional(IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static List<(string Text, Uri Url)> ParseUrls(string value)
    {
        var urls = new List<(string, Uri)>();
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards (http://*:5080, http://+:5080) are not valid URIs; read them as "any address".
            var normalized = part.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/"
                || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.UserInfo))
                throw new HostConfigurationException("Api:Urls", "must be a ';'-separated list of http:// or https:// URLs such as http://127.0.0.1:5080");
            urls.Add((part, url));
        }
        if (urls.Count == 0)
            throw new HostConfigurationException("Api:Urls", "is empty");
        return urls;
    }

    /// <summary>Parses the connection string the way its driver will, so a typo fails at start-up, not at first use.</summary>
    private static void CheckConnectionString(JanusJournalProvider provider, string connectionString)
    {
        try
        {
            if (provider == JanusJournalProvider.Sqlite)
            {
                var builder = new SqliteConnectionStringBuilder(connectionString);
                if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:")
                    throw new HostConfigurationException("Journal:ConnectionString", "names an in-memory SQLite database: sessions would not survive a restart");
            }
            else
                _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The driver's message may quote the string (and a password in it): do not pass it on.
            throw new HostConfigurationException("Journal:ConnectionString", $"is not a valid {(provider == JanusJournalProvider.Sqlite ? "SQLite" : "PostgreSQL")} connection string");
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string Redacted(Uri? url) =>
        url is null ? "(not set)" : new UriBuilder(url) { UserName = "", Password = "", Query = "" }.Uri.ToString();
}

/// <summary>
/// The HTTP API: the URLs Kestrel binds, whether they are all loopback addresses, and the bearer token
/// every request but the health check must carry (none when <see cref="Token"/> is null).
/// </summary>
public sealed record ApiSettings(IReadOnlyList<string> Urls, bool LoopbackOnly, string? Token)
{
    public override string ToString() => $"API {string.Join(' ', Urls)} (token {(Token is null ? "not set" : "set")})";
}

/// <summary>A configuration value that cannot be used. The message names the setting and never echoes its value.</summary>
public sealed class HostConfigurationException(string setting, string problem) : Exception($"{setting} {problem}")
{
    public string Setting { get; } = setting;
    public string Problem { get; } = problem;
}
