using Janus.Actors.Benchmarks;
using Janus.Actors.Fixtures;

// Exit codes: 0 every run passed, 1 the library failed (lost or changed session, timeout) or the set-up broke, 2 bad arguments.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"bench: {e.Message}\n\n{BenchmarkOptions.Usage}");
    return 2;
}
if (options.HelpRequested)
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

Progress.Log($"{(options.Churn > 0 ? "recovery after churn" : options.Cluster ? "cluster failover after SIGKILL" : "reclaim after SIGKILL")}: " +
             $"{options}; {Environment.ProcessorCount} cores");
var results = new List<RunResult>();
var failovers = new List<FailoverResult>();
var churns = new List<ChurnScenario.Figures>();
PostgresServer? postgres = null;
try
{
    if (options.Journals.Contains(JournalKind.PostgreSql))
        postgres = await PostgresServer.StartAsync();
    if (options.Churn > 0)
    {
        foreach (var journal in options.Journals)
            churns.AddRange(await new ChurnScenario(options).RunAsync(journal, postgres));
    }
    else
    {
        if (options.Cluster)
            failovers.AddRange(await new ClusterFailoverScenario(options).RunAsync(postgres!));
        // With --cluster: the single-node baseline of the same N on the same PostgreSQL server.
        var scenario = new ReclaimScenario(options);
        foreach (var journal in options.Journals)
            foreach (var servers in options.Servers > 1 ? [1, options.Servers] : new[] { 1 })
                results.AddRange(await scenario.RunAsync(journal, postgres, servers));
    }
}
catch (BenchmarkFailedException e)
{
    Console.Error.WriteLine($"bench: FAILED: {e.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"bench: FAILED (set-up): {e}");
    return 1;
}
finally
{
    if (postgres is not null)
        await postgres.DisposeAsync();
}

Console.WriteLine();
if (options.Churn > 0)
{
    Console.WriteLine(ChurnScenario.Format(churns));
    return 0;
}
Console.WriteLine(Report.Format(results));
if (options.Cluster)
    Console.WriteLine(ClusterReport.Format(failovers, results));
return 0;

/// <summary>Timestamped progress lines, so a long run shows where it is.</summary>
internal static class Progress
{
    public static void Log(string message) => Console.WriteLine($"[bench {DateTime.Now:HH:mm:ss.fff}] {message}");
}
