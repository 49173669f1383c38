namespace Janus.Actors.Launcher.Demo;

/// <summary>
/// <c>./build.sh demo [--sessions N]</c>: against the local Janus of <c>run</c> (or the one the environment names), a
/// host of the demo's own on <c>{data}/demo</c> (never <c>run</c>'s journal), killed and started again (<see cref="DemoRun"/>).
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(LaunchSettings settings, string[] args)
    {
        await using var janus = new LocalJanusServers(settings);
        await janus.UseAsync();
        var options = DemoOptions.Parse(["--host-dll", HostProcess.HostDllPath, "--data", Path.Combine(settings.DataFolder, "demo"), .. args]);
        return await new DemoRun(options, Console.Out).RunAsync();
    }
}
