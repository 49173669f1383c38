namespace Janus.Actors.Fixtures;

/// <summary>
/// The host's Janus settings (configuration keys, as <see cref="HostProcess"/> takes them) for Janus servers on loopback:
/// test servers, and the launcher's local ones.
/// </summary>
public static class JanusHostSettings
{
    /// <summary>The configured name of the <paramref name="index"/>th of several servers given without names.</summary>
    public static string ServerName(int index) => $"janus-{index}";

    /// <summary>
    /// One server: the single-server settings. Several: <c>Janus:Servers</c> named <see cref="ServerName"/>. With a REST
    /// connection budget to match each server's <see cref="JanusServerOptions.MhdConnectionLimit"/> where it is raised.
    /// </summary>
    public static Dictionary<string, string?> For(IReadOnlyList<JanusServer> servers)
    {
        if (servers.Count > 1) return For(servers.Select((server, i) => (ServerName(i), server)).ToList());
        var settings = Single(servers[0].Ports, servers[0].Options.AdminSecret);
        if (RestConnectionLimit(servers[0]) is { } limit) settings["Janus:RestConnectionLimit"] = limit;
        return settings;
    }

    /// <summary><c>Janus:Servers</c>: each server under its name, with both transports, its Admin API and its REST budget.</summary>
    public static Dictionary<string, string?> For(IReadOnlyList<(string Name, JanusServer Janus)> servers)
    {
        var settings = For(servers.Select(server => (server.Name, server.Janus.Ports, server.Janus.Options.AdminSecret)).ToList());
        foreach (var (i, (_, janus)) in servers.Index())
            if (RestConnectionLimit(janus) is { } limit) settings[$"Janus:Servers:{i}:RestConnectionLimit"] = limit;
        return settings;
    }

    /// <summary>
    /// The host's REST connection budget for a server whose <c>mhd_connection_limit</c> was raised: 4 below it, as the
    /// host's default is below Janus's; null for Janus's default, which the host's default already matches.
    /// </summary>
    private static string? RestConnectionLimit(JanusServer janus) =>
        janus.Options.MhdConnectionLimit == JanusServerOptions.JanusDefaultMhdConnectionLimit
            ? null
            : (janus.Options.MhdConnectionLimit - 4).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The single-server settings (the server named <c>default</c>): both transports, and its Admin API over WebSocket when
    /// its secret is given (the <c>For</c> overloads give each server's over HTTP: hosts of the specs use both).
    /// </summary>
    public static Dictionary<string, string?> Single(JanusServerPorts ports, string? adminSecret = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = ports.WebSocketUrl.ToString(),
            ["Janus:RestUrl"] = ports.RestUrl.ToString(),
        };
        if (adminSecret is not null)
        {
            settings["Janus:AdminUrl"] = ports.AdminWebSocketUrl.ToString();
            settings["Janus:AdminSecret"] = adminSecret;
        }
        return settings;
    }

    /// <summary><c>Janus:Servers</c>: each server under its name, with both transports and its Admin API.</summary>
    public static Dictionary<string, string?> For(IReadOnlyList<(string Name, JanusServerPorts Ports, string AdminSecret)> servers)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (i, (name, ports, adminSecret)) in servers.Index())
        {
            settings[$"Janus:Servers:{i}:Name"] = name;
            settings[$"Janus:Servers:{i}:WebSocketUrl"] = ports.WebSocketUrl.ToString();
            settings[$"Janus:Servers:{i}:RestUrl"] = ports.RestUrl.ToString();
            settings[$"Janus:Servers:{i}:AdminUrl"] = ports.AdminUrl.ToString();
            settings[$"Janus:Servers:{i}:AdminSecret"] = adminSecret;
        }
        return settings;
    }
}
