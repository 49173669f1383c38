using Janus.Actors.Chaos;

// Exit codes: 0 no violation, 1 a violation (or the set-up broke), 2 bad arguments.
ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}\n\n{ChaosOptions.Usage}");
    return 2;
}
if (options.HelpRequested)
{
    Console.WriteLine(ChaosOptions.Usage);
    return 0;
}

Progress.Log($"chaos soak: {options}; {Environment.ProcessorCount} cores, load {ProcessReadings.Load():0.0}");
ChaosResult result;
try
{
    result = await new ChaosRun(options).RunAsync();
}
catch (Exception e)
{
    Console.Error.WriteLine($"chaos: FAILED (set-up): {e}");
    return 1;
}
Console.WriteLine();
Console.WriteLine(ChaosReport.Write(result));
if (result.SelfTestKey is { } key)
{
    var caught = SelfTest.Caught(result.Violations, key);
    Console.WriteLine(caught
        ? $"Self-test passed: the checker reported the session lost from the journal ({key}) under {SelfTest.LostRule} and the twin host under {SelfTest.TwinRule}"
        : $"Self-test FAILED: the checker did not report both {key}, whose journal rows were deleted ({SelfTest.LostRule}), and the twin host ({SelfTest.TwinRule})");
    return caught ? 0 : 1;
}
return result.Violations.Count == 0 ? 0 : 1;
