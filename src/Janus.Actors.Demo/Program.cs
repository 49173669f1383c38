using Janus.Actors.Demo;

// ./build.sh demo [--sessions N]: Janus.Actors' promise in one minute. See DemoRun for the steps.
// Exit codes: 0 every session survived, 1 some session was lost or did not come back, 2 bad arguments or set-up.
try
{
    var options = DemoOptions.Parse(args);
    return await new DemoRun(options, Console.Out).RunAsync();
}
catch (DemoSetupException e)
{
    Console.Error.WriteLine($"demo: {e.Message}");
    return 2;
}
