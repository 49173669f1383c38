namespace Janus.Actors.Fixtures;

/// <summary>The host's Janus settings (configuration keys, as <see cref="HostProcess"/> takes them) for test Janus servers.</summary>
public static class JanusHostSettings
{
    /// <summary>The configured name of the <paramref name="index"/>th of several servers given without names.</summary>
    public static string ServerName(int index) => $"janus-{index}";

    /// <summary>One server: the single-server settings. Several: <c>Janus:Servers</c> named <see cref="ServerName"/>.</summary>
    public static Dictionary<string, string?> For(IReadOnlyList<JanusServer> servers) => servers.Count == 1
        ? new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = servers[0].WebSocketUrl.ToString(),
            ["Janus:RestUrl"] = servers[0].RestUrl.ToString(),
        }
        : For(servers.Select((server, i) => (ServerName(i), server)).ToList());

    /// <summary><c>Janus:Servers</c>: each server under its name, with both transports and its Admin API.</summary>
    public static Dictionary<string, string?> For(IReadOnlyList<(string Name, JanusServer Janus)> servers)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (i, (name, janus)) in servers.Index())
        {
            settings[$"Janus:Servers:{i}:Name"] = name;
            settings[$"Janus:Servers:{i}:WebSocketUrl"] = janus.WebSocketUrl.ToString();
            settings[$"Janus:Servers:{i}:RestUrl"] = janus.RestUrl.ToString();
            settings[$"Janus:Servers:{i}:AdminUrl"] = janus.AdminUrl.ToString();
            settings[$"Janus:Servers:{i}:AdminSecret"] = janus.Options.AdminSecret;
        }
        return settings;
    }
}
