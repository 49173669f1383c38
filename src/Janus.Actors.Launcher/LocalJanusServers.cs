using Janus.Actors.Servers;

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
        // The first is the single-server settings' server, so a journal of one-server runs keeps its sessions.
        var names = _servers.Select((_, index) => index == 0 ? JanusServerSettings.DefaultName : JanusHostSettings.ServerName(index)).ToList();
        var hostSettings = _servers.Count == 1
            ? JanusHostSettings.Single(_servers[0].Ports)
            : JanusHostSettings.For(_servers.Select((server, index) => (names[index], server.Ports, server.AdminSecret())).ToList());
        // Rendered from deploy/janus: the REST budget follows its mhd_connection_limit.
        if (JanusConfigFiles.DeployedMhdConnectionLimit() is { } served)
            foreach (var (index, _) in _servers.Index())
                hostSettings[_servers.Count == 1 ? "Janus:RestConnectionLimit" : $"Janus:Servers:{index}:RestConnectionLimit"] =
                    (served - 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Environment variables as the hosts read them: Janus__Servers__0__Name for Janus:Servers:0:Name.
        foreach (var (key, value) in hostSettings) Environment.SetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal), value);
        if (_servers.Count > 1) Say.Line($"{_servers.Count} Janus servers: {string.Join(", ", names)}");
    }

    /// <summary>Stops the servers this run owns, the last started first.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var index = _servers.Count - 1; index >= 0; index--)
            await _servers[index].DisposeAsync();
    }
}
