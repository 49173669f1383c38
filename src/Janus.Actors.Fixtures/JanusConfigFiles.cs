using System.Text.RegularExpressions;

namespace Janus.Actors.Fixtures;

/// <summary>
/// The one Janus configuration renderer. Every Janus of this repository starts from <c>deploy/janus/*.jcfg</c> — the
/// folder docker-compose mounts — rendered into a <c>janus -F</c> folder with this machine's library folders and the
/// settings of its use: the loopback ports and admin secret of <c>./build.sh run</c>, plus, for a test Janus, its
/// timeouts, API secret and only the plugins and transports the tests use (so it starts in well under a second and
/// reaches nothing outside the machine).
/// </summary>
public static class JanusConfigFiles
{
    /// <summary>Plugins the tests use; every other plugin in the plugins folder is disabled.</summary>
    private static readonly string[] TestPlugins = ["echotest", "videoroom", "audiobridge", "sip", "streaming", "textroom"];

    private static readonly string[] TestTransports = ["websockets", "http"];

    /// <summary>The templates: <c>deploy/janus/</c> of this repository.</summary>
    public static string TemplateFolder => Path.Combine(HostProcess.RepositoryRoot(), "deploy", "janus");

    /// <summary>
    /// Names the install prefix of a Janus built from source (<c>./configure --prefix</c>) that the fixtures run instead of
    /// Debian's: <c>./build.sh test</c> runs the version subsets again with the newest release this way.
    /// </summary>
    public const string JanusPrefixVariable = "JANUS_ACTORS_JANUS_PREFIX";

    private static string? JanusPrefix => Environment.GetEnvironmentVariable(JanusPrefixVariable) is { Length: > 0 } prefix ? prefix : null;

    /// <summary>The Janus executable the fixtures run: <c>{prefix}/bin/janus</c> under <see cref="JanusPrefixVariable"/>, else Debian's.</summary>
    public static string Executable() => JanusPrefix is { } prefix ? Path.Combine(prefix, "bin", "janus") : "/usr/bin/janus";

    /// <summary>
    /// Where its plugins, transports, event handlers and loggers are: <c>{prefix}/lib/janus</c> under
    /// <see cref="JanusPrefixVariable"/>, else where the Debian package put them (the multiarch folder of this machine).
    /// </summary>
    public static string LibraryFolder() =>
        JanusPrefix is { } prefix ? Path.Combine(prefix, "lib", "janus") :
        Directory.EnumerateDirectories("/usr/lib").Select(lib => Path.Combine(lib, "janus")).Append("/usr/lib/janus")
            .FirstOrDefault(folder => Directory.Exists(Path.Combine(folder, "plugins")))
        ?? throw new InvalidOperationException("Janus's plugins folder is missing (looked in /usr/lib/*/janus): install the Debian package 'janus'");

    /// <summary>
    /// Renders <c>deploy/janus</c> into <paramref name="folder"/> as it is, but for the library folders, the ports and the
    /// admin secret, then <paramref name="more"/> (<c>file</c> without <c>.jcfg</c>, section, key, libconfig value).
    /// </summary>
    public static void Render(string folder, string libraryFolder, JanusServerPorts ports, string adminSecret,
        IEnumerable<(string File, string Section, string Key, string Value)>? more = null)
    {
        Directory.CreateDirectory(folder);
        var settings = new List<(string File, string Section, string Key, string Value)>
        {
            ("janus", "general", "plugins_folder", Quote(Path.Combine(libraryFolder, "plugins"))),
            ("janus", "general", "transports_folder", Quote(Path.Combine(libraryFolder, "transports"))),
            ("janus", "general", "events_folder", Quote(Path.Combine(libraryFolder, "events"))),
            ("janus", "general", "loggers_folder", Quote(Path.Combine(libraryFolder, "loggers"))),
            ("janus", "general", "admin_secret", Quote(adminSecret)),
            ("janus.transport.websockets", "general", "ws_port", Number(ports.WebSocket)),
            ("janus.transport.http", "general", "port", Number(ports.Http)),
            ("janus.transport.http", "admin", "admin_port", Number(ports.Admin)),
            ("janus.transport.websockets", "admin", "admin_ws_port", Number(ports.AdminWebSocket)),
        };
        settings.AddRange(more ?? []);
        foreach (var template in Directory.EnumerateFiles(TemplateFolder, "*.jcfg"))
        {
            var file = Path.GetFileNameWithoutExtension(template);
            var text = settings.Where(s => s.File == file).Aggregate(File.ReadAllText(template), (current, s) => Set(current, s.Section, s.Key, s.Value));
            File.WriteAllText(Path.Combine(folder, Path.GetFileName(template)), text);
        }
    }

    /// <summary>
    /// The <c>mhd_connection_limit</c> <c>deploy/janus</c> gives Janus's HTTP transport, which a host of a local Janus
    /// rendered from it keeps its <c>Janus:RestConnectionLimit</c> 4 below; null when the template leaves Janus's default.
    /// </summary>
    public static int? DeployedMhdConnectionLimit() =>
        Regex.Match(File.ReadAllText(Path.Combine(TemplateFolder, "janus.transport.http.jcfg")), @"^\s*mhd_connection_limit\s*=\s*(\d+)", RegexOptions.Multiline) is
        { Success: true } found
            ? int.Parse(found.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>The configuration of a test Janus (see <see cref="JanusServerOptions"/>).</summary>
    public static void Write(string folder, JanusServerOptions options, JanusServerPorts ports)
    {
        var library = options.JanusLibraryFolder;
        if (!Directory.Exists(Path.Combine(library, "plugins")) || !Directory.Exists(Path.Combine(library, "transports")))
            throw new InvalidOperationException($"Janus plugins or transports not found under {library}: install the Debian package 'janus'.");
        var general = new List<(string, string)>
        {
            ("debug_level", Number(options.DebugLevel)),
            ("server_name", Quote("janus-actors-test")),
            ("interface", Quote("127.0.0.1")),
            ("session_timeout", Number(options.SessionTimeoutSeconds)),
            ("reclaim_session_timeout", Number(options.ReclaimSessionTimeoutSeconds)),
        };
        if (options.ApiSecret is { } apiSecret) general.Add(("api_secret", Quote(apiSecret)));
        Render(folder, library, ports, options.AdminSecret, general.Select(g => ("janus", "general", g.Item1, g.Item2)).Concat(
        [
            ("janus", "nat", "ice_enforce_list", Quote("lo")),
            ("janus", "plugins", "disable", Quote(DisableAllBut(Path.Combine(library, "plugins"), TestPlugins))),
            ("janus", "transports", "disable", Quote(DisableAllBut(Path.Combine(library, "transports"), TestTransports))),
            ("janus", "loggers", "disable", Quote(DisableAllBut(Path.Combine(library, "loggers"), []))),
            // The SIP plugin binds one SIP stack per registered handle: keep those on loopback.
            ("janus.plugin.sip", "general", "local_ip", Quote("127.0.0.1")),
            ("janus.transport.http", "general", "mhd_connection_limit", Number(options.MhdConnectionLimit)),
            ("janus", "events", "broadcast", options.EventHandlerUrl is null ? "false" : "true"),
            ("janus", "events", "disable", Quote(DisableAllBut(Path.Combine(library, "events"), options.EventHandlerUrl is null ? [] : ["sampleevh"]))),
        ]));
        if (options.EventHandlerUrl is { } events)
            WriteEventHandler(folder, events);
    }

    /// <summary>The sample event handler's configuration: each session and handle event posted to <paramref name="url"/> as it happens.</summary>
    private static void WriteEventHandler(string folder, Uri url) =>
        File.WriteAllText(Path.Combine(folder, "janus.eventhandler.sampleevh.jcfg"), $$"""
            general: {
            	enabled = true
            	events = "sessions,handles"
            	grouping = false
            	json = "plain"
            	backend = {{Quote(url.ToString())}}
            	max_retransmissions = 3
            }

            """);

    /// <summary>
    /// Sets <paramref name="key"/> in the top-level <paramref name="section"/> of a libconfig file (the templates' shape:
    /// sections of scalar settings), replacing its line or adding one before the section's closing brace; adds the section
    /// when the file has none.
    /// </summary>
    private static string Set(string text, string section, string key, string value)
    {
        var lines = text.Split('\n').ToList();
        var line = $"\t{key} = {value}";
        var start = lines.FindIndex(l => Regex.IsMatch(l, $@"^\s*{Regex.Escape(section)}\s*:\s*\{{"));
        if (start < 0)
        {
            lines.InsertRange(lines.Count, [$"{section}: {{", line, "}", ""]);
            return string.Join('\n', lines);
        }
        var end = lines.FindIndex(start + 1, l => Regex.IsMatch(l, @"^\s*\}"));
        var existing = lines.FindIndex(start + 1, end - start - 1, l => Regex.IsMatch(l, $@"^\s*{Regex.Escape(key)}\s*="));
        if (existing >= 0) lines[existing] = line;
        else lines.Insert(end, line);
        return string.Join('\n', lines);
    }

    /// <summary>The comma-separated <c>disable</c> list: every <c>libjanus_*.so</c> in the folder except the wanted ones.</summary>
    private static string DisableAllBut(string folder, IReadOnlyList<string> wanted) =>
        !Directory.Exists(folder)
            ? ""
            : string.Join(",", Directory.EnumerateFiles(folder, "libjanus_*.so")
                .Select(Path.GetFileName)
                .Where(file => !wanted.Any(name => file == $"libjanus_{name}.so"))
                .Order(StringComparer.Ordinal));

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A libconfig string literal.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
            quoted.Append(c is '"' or '\\' ? $"\\{c}" : c.ToString());
        return quoted.Append('"').ToString();
    }
}
