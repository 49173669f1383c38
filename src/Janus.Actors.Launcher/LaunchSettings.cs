namespace Janus.Actors.Launcher;

/// <summary>A failure the launcher explains in one line and exits with (1: a conflict or a failed start, 2: bad settings).</summary>
public sealed class LaunchException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// Where the local topology lives and listens, from the environment build.sh documents: the data folder
/// (<c>JANUS_ACTORS_DATA</c>, default <c>./data</c>), how many local Janus servers (<c>JANUS_SERVERS</c>, default 1) and
/// the first one's loopback ports, the cluster's ports and the private PostgreSQL's port. Host settings
/// (<c>Janus__*</c>, <c>Journal__*</c>, <c>Api__*</c>) pass through to the hosts.
/// </summary>
public sealed record LaunchSettings(string DataFolder, JanusServerPorts JanusPorts, int PostgresPort, IReadOnlyList<int> ApiPorts,
    IReadOnlyList<int> ClusterPorts, int JanusServers = 1)
{
    /// <summary>The first local Janus's folder (<c>{data}/janus</c>): the server of the single-server settings.</summary>
    public string JanusFolder => Path.Combine(DataFolder, "janus");

    /// <summary>The <paramref name="index"/>th local Janus's folder: <c>{data}/janus</c>, then <c>{data}/janus-1</c>, …</summary>
    public string JanusFolderOf(int index) => index == 0 ? JanusFolder : $"{JanusFolder}-{index}";

    /// <summary>The <paramref name="index"/>th local Janus's ports: the first one's, each plus the index.</summary>
    public JanusServerPorts JanusPortsOf(int index) =>
        new(JanusPorts.WebSocket + index, JanusPorts.Http + index, JanusPorts.Admin + index, JanusPorts.AdminWebSocket + index);
    public string PostgresFolder => Path.Combine(DataFolder, "postgres");
    public string ClusterFolder => Path.Combine(DataFolder, "cluster");

    /// <summary>Janus's URLs, or its servers, when the environment names them (then no local Janus is started).</summary>
    public static bool NamesJanus => !string.IsNullOrWhiteSpace(Env("Janus__WebSocketUrl")) || !string.IsNullOrWhiteSpace(Env("Janus__RestUrl"))
        || Environment.GetEnvironmentVariables().Keys.Cast<string>().Any(name => name.StartsWith("Janus__Servers__", StringComparison.OrdinalIgnoreCase));

    public static LaunchSettings FromEnvironment() => new(
        Path.GetFullPath(Env("JANUS_ACTORS_DATA") ?? "data"),
        new JanusServerPorts(Port("JANUS_WS_PORT", 8188), Port("JANUS_HTTP_PORT", 8088), Port("JANUS_ADMIN_PORT", 7088), Port("JANUS_ADMIN_WS_PORT", 7188)),
        Port("POSTGRES_PORT", 5433),
        Ports("CLUSTER_API_PORTS", "5081,5082,5083"),
        Ports("CLUSTER_PORTS", "4051,4052,4053"),
        Env("JANUS_SERVERS") is { } servers
            ? int.TryParse(servers, out var count) && count is >= 1 and <= 9 ? count : throw new LaunchException($"JANUS_SERVERS '{servers}' is not a number from 1 to 9", 2)
            : 1);

    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>The first port of <c>Api__Urls</c> (default 5080): where <c>run</c>'s host answers.</summary>
    public static int ApiPort()
    {
        var url = (Env("Api__Urls") ?? "http://127.0.0.1:5080").Split(';')[0];
        return Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? uri.Port
            : throw new LaunchException($"Api__Urls '{url}' is not a URL", 2);
    }

    private static int Port(string name, int fallback) => Env(name) is { } value ? ParsePort(value, name) : fallback;

    private static IReadOnlyList<int> Ports(string name, string fallback) =>
        (Env(name) ?? fallback).Split(',', StringSplitOptions.TrimEntries).Select(value => ParsePort(value, name)).ToList();

    private static int ParsePort(string value, string name) =>
        int.TryParse(value, out var port) && port is > 0 and < 65536
            ? port
            : throw new LaunchException($"'{value}' in {name} is not a port number", 2);
}
