using Janus.Actors.Launcher;
using Janus.Actors.Launcher.Demo;

// ./build.sh run | demo [--sessions N] | cluster: the local topology, after build.sh has installed and built what it needs.
// Exit codes: run and cluster, the hosts'; demo, 0 when every session survived and 1 otherwise; 1 a conflict or a failed
// start, 2 bad settings.
try
{
    var settings = LaunchSettings.FromEnvironment();
    return args.FirstOrDefault() switch
    {
        "run" => await new RunCommand(settings).RunAsync(),
        "cluster" => await new ClusterCommand(settings).RunAsync(),
        "demo" => await DemoCommand.RunAsync(settings, args[1..]),
        var other => throw new LaunchException($"unknown command '{other}': run, demo or cluster", 2),
    };
}
catch (LaunchException e)
{
    Say.Line(e.Message);
    return e.ExitCode;
}
catch (DemoSetupException e)
{
    Console.Error.WriteLine($"demo: {e.Message}");
    return 2;
}
