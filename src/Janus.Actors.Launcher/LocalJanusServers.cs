namespace Janus.Actors.Launcher;

/// <summary>
/// The Janus servers the hosts of run, demo and cluster use: the ones the environment names (<c>Janus__WebSocketUrl</c>,
/// <c>Janus__RestUrl</c> or <c>Janus__Servers__*</c>), else the data folder's <c>JANUS_SERVERS</c> local ones, each started
/// unless it runs already. One is the single-server settings (the server named <c>default</c>); several are
/// <c>Janus:Servers</c>: the first still named <c>default</c>, so a journal of one-server runs keeps its sessions, the
/// others <c>janus-1</c>, <c>janus-2</c>, … with their Admin APIs (drain).
/// </summary>
public sealed class LocalJanusServers(LaunchSettings settings) : IAsyncDisposable
{
    private readonly List<LocalJanus> _servers = [];

    /// <summary>Starts (or adopts) the local servers and sets their settings for the hosts this launcher starts.</summary>
    public async Task UseAsync()
    {
        if (LaunchSettings.NamesJanus)
        {
            Say.Line("using the Janus named by Janus__WebSocketUrl/Janus__RestUrl/Janus__Servers__*; no local Janus is started");
            return;
        }
        for (var index = 0; index < settings.JanusServers; index++)
        {
            var server = new LocalJanus(settings, index);
            _servers.Add(server);
            await server.StartAsync();
        }
        if (_servers.Count == 1)
        {
            Set("Janus__WebSocketUrl", $"ws://127.0.0.1:{_servers[0].Ports.WebSocket}/");
            Set("Janus__RestUrl", $"http://127.0.0.1:{_servers[0].Ports.Http}/janus");
            return;
        }
        foreach (var (index, server) in _servers.Index())
        {
            var prefix = $"Janus__Servers__{index}__";
            Set(prefix + "Name", index == 0 ? "default" : $"janus-{index}");
            Set(prefix + "WebSocketUrl", $"ws://127.0.0.1:{server.Ports.WebSocket}/");
            Set(prefix + "RestUrl", $"http://127.0.0.1:{server.Ports.Http}/janus");
            Set(prefix + "AdminUrl", $"http://127.0.0.1:{server.Ports.Admin}/admin");
            Set(prefix + "AdminSecret", server.AdminSecret());
        }
        Say.Line($"{_servers.Count} Janus servers: default, {string.Join(", ", Enumerable.Range(1, _servers.Count - 1).Select(i => $"janus-{i}"))}");
    }

    /// <summary>Stops the servers this run owns, the last started first.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var index = _servers.Count - 1; index >= 0; index--)
            await _servers[index].DisposeAsync();
    }

    private static void Set(string name, string value) => Environment.SetEnvironmentVariable(name, value);
}
