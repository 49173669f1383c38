using System.Text;

namespace Janus.Actors.Fixtures;

/// <summary>
/// Writes the configuration folder (<c>janus -F</c>) of a test Janus: only the WebSocket and HTTP transports and the
/// echotest, videoroom, audiobridge and sip plugins are loaded, every listener is bound to 127.0.0.1, and no event
/// handler, logger, STUN or TURN server is configured, so Janus starts in well under a second and reaches nothing
/// outside the machine.
/// </summary>
public static class JanusConfigFiles
{
    /// <summary>Plugins the tests use; every other plugin in the plugins folder is disabled.</summary>
    private static readonly string[] Plugins = ["echotest", "videoroom", "audiobridge", "sip"];

    private static readonly string[] Transports = ["websockets", "http"];

    /// <summary>Writes <c>janus.jcfg</c>, the transport configs and the plugin configs into <paramref name="folder"/>.</summary>
    public static void Write(string folder, JanusServerOptions options, JanusServerPorts ports)
    {
        var plugins = Path.Combine(options.JanusLibraryFolder, "plugins");
        var transports = Path.Combine(options.JanusLibraryFolder, "transports");
        var events = Path.Combine(options.JanusLibraryFolder, "events");
        var loggers = Path.Combine(options.JanusLibraryFolder, "loggers");
        if (!Directory.Exists(plugins) || !Directory.Exists(transports))
            throw new InvalidOperationException(
                $"Janus plugins or transports not found under {options.JanusLibraryFolder}: install the Debian package 'janus'.");

        File.WriteAllText(Path.Combine(folder, "janus.jcfg"), $$"""
            general: {
                plugins_folder = {{Quote(plugins)}}
                transports_folder = {{Quote(transports)}}
                events_folder = {{Quote(events)}}
                loggers_folder = {{Quote(loggers)}}
                debug_level = {{options.DebugLevel}}
                server_name = "janus-actors-test"
                interface = "127.0.0.1"
                session_timeout = {{options.SessionTimeoutSeconds}}
                reclaim_session_timeout = {{options.ReclaimSessionTimeoutSeconds}}
                admin_secret = {{Quote(options.AdminSecret)}}
            {{(options.ApiSecret is { } apiSecret ? $"    api_secret = {Quote(apiSecret)}" : "")}}
            }
            nat: {
                ice_enforce_list = "lo"
            }
            plugins: {
                disable = {{Quote(DisableAllBut(plugins, Plugins))}}
            }
            transports: {
                disable = {{Quote(DisableAllBut(transports, Transports))}}
            }
            loggers: {
                disable = {{Quote(DisableAllBut(loggers, []))}}
            }
            events: {
                broadcast = false
            }
            """);

        File.WriteAllText(Path.Combine(folder, "janus.transport.websockets.jcfg"), $$"""
            general: {
                json = "compact"
                ws = true
                ws_ip = "127.0.0.1"
                ws_port = {{ports.WebSocket}}
                wss = false
            }
            admin: {
                admin_ws = false
                admin_wss = false
            }
            """);

        File.WriteAllText(Path.Combine(folder, "janus.transport.http.jcfg"), $$"""
            general: {
                json = "compact"
                base_path = "/janus"
                http = true
                ip = "127.0.0.1"
                port = {{ports.Http}}
                https = false
                mhd_connection_limit = {{Math.Max(1020, options.FileDescriptorLimit / 2)}}
            }
            admin: {
                admin_base_path = "/admin"
                admin_http = true
                admin_ip = "127.0.0.1"
                admin_port = {{ports.Admin}}
                admin_https = false
            }
            """);

        foreach (var plugin in Plugins)
            File.WriteAllText(Path.Combine(folder, $"janus.plugin.{plugin}.jcfg"), plugin == "sip" ? SipConfig : "general: {\n}\n");
    }

    /// <summary>The SIP plugin binds one SIP stack per registered handle: keep those on loopback.</summary>
    private const string SipConfig = """
        general: {
            local_ip = "127.0.0.1"
            behind_nat = false
        }
        """;

    /// <summary>The comma-separated <c>disable</c> list: every <c>libjanus_*.so</c> in the folder except the wanted ones.</summary>
    private static string DisableAllBut(string folder, IReadOnlyList<string> wanted) =>
        !Directory.Exists(folder)
            ? ""
            : string.Join(",", Directory.EnumerateFiles(folder, "libjanus_*.so")
                .Select(Path.GetFileName)
                .Where(file => !wanted.Any(name => file == $"libjanus_{name}.so"))
                .Order(StringComparer.Ordinal));

    /// <summary>A libconfig string literal.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
            quoted.Append(c is '"' or '\\' ? $"\\{c}" : c.ToString());
        return quoted.Append('"').ToString();
    }
}
