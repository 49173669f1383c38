namespace Janus.Actors.Launcher;

/// <summary>A failure the launcher explains in one line and exits with (1: a conflict or a failed start, 2: bad settings).</summary>
public sealed class LaunchException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// Where the local topology lives and listens, from the environment build.sh documents: the data folder
/// (<c>JANUS_ACTORS_DATA</c>, default <c>./data</c>), the local Janus's loopback ports, the cluster's ports and the
/// private PostgreSQL's port. Host settings (<c>Janus__*</c>, <c>Journal__*</c>, <c>Api__*</c>) pass through to the hosts.
/// </summary>
public sealed record LaunchSettings(string DataFolder, JanusServerPorts JanusPorts, int PostgresPort, IReadOnlyList<int> ApiPorts,
    IReadOnlyList<int> ClusterPorts)
{
    public string JanusFolder => Path.Combine(DataFolder, "janus");
    public string PostgresFolder => Path.Combine(DataFolder, "postgres");
    public string ClusterFolder => Path.Combine(DataFolder, "cluster");

    /// <summary>Janus's URLs when the environment names one (then no local Janus is started).</summary>
    public static bool NamesJanus => !string.IsNullOrWhiteSpace(Env("Janus__WebSocketUrl")) || !string.IsNullOrWhiteSpace(Env("Janus__RestUrl"));

    public static LaunchSettings FromEnvironment() => new(
        Path.GetFullPath(Env("JANUS_ACTORS_DATA") ?? "data"),
        new JanusServerPorts(Port("JANUS_WS_PORT", 8188), Port("JANUS_HTTP_PORT", 8088), Port("JANUS_ADMIN_PORT", 7088)),
        Port("POSTGRES_PORT", 5433),
        Ports("CLUSTER_API_PORTS", "5081,5082,5083"),
        Ports("CLUSTER_PORTS", "4051,4052,4053"));

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
