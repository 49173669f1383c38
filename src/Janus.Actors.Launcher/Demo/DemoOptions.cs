namespace Janus.Actors.Launcher.Demo;

/// <summary>A failure before the demo could show anything: bad arguments, a host that does not start.</summary>
public sealed class DemoSetupException(string message) : Exception(message);

/// <param name="HostDll">Janus.Actors.Host.dll to run.</param>
/// <param name="DataFolder">The demo's own journal folder (emptied first); never the journal of <c>./build.sh run</c>.</param>
/// <param name="Sessions">How many sessions to create (half WebSocket, half REST when both URLs are set).</param>
/// <param name="JanusWebSocketUrl">From <c>Janus__WebSocketUrl</c>.</param>
/// <param name="JanusRestUrl">From <c>Janus__RestUrl</c>.</param>
public sealed record DemoOptions(string HostDll, string DataFolder, int Sessions, string? JanusWebSocketUrl, string? JanusRestUrl)
{
    public static DemoOptions Parse(string[] args)
    {
        string? hostDll = null, data = null;
        var sessions = 50;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new DemoSetupException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--host-dll": hostDll = Value(); break;
                case "--data": data = Value(); break;
                case "--sessions" or "-n":
                    if (!int.TryParse(Value(), out sessions) || sessions is < 1 or > 5000)
                        throw new DemoSetupException("--sessions must be a number from 1 to 5000");
                    break;
                default: throw new DemoSetupException($"unknown argument {args[i]} (use --sessions N)");
            }
        }
        if (hostDll is null || !File.Exists(hostDll)) throw new DemoSetupException($"the host is not built ({hostDll ?? "--host-dll not given"})");
        var ws = Environment.GetEnvironmentVariable("Janus__WebSocketUrl");
        var rest = Environment.GetEnvironmentVariable("Janus__RestUrl");
        if (string.IsNullOrWhiteSpace(ws) && string.IsNullOrWhiteSpace(rest))
            throw new DemoSetupException("Janus__WebSocketUrl or Janus__RestUrl must be set (./build.sh demo sets them)");
        return new DemoOptions(Path.GetFullPath(hostDll), Path.GetFullPath(data ?? "data/demo"), sessions,
            string.IsNullOrWhiteSpace(ws) ? null : ws, string.IsNullOrWhiteSpace(rest) ? null : rest);
    }
}
