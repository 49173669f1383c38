namespace Janus.Actors.Tests.Examples;

/// <summary>
/// One run of an example's demo (<c>dotnet src/Examples/&lt;Name&gt;/.../&lt;Name&gt;.dll</c>, built alongside the tests),
/// exactly as a user runs it: it starts its own Janus (and sipp) on free loopback ports, prints its steps and its
/// checks (<c>[ok] label: details</c>), and exits 0 when they all held. The whole output goes to the test log.
/// A run that overstays its timeout is killed with every process it started.
/// </summary>
public sealed class ExampleRun
{
    private ExampleRun(string name, int exitCode, IReadOnlyList<string> lines)
    {
        Name = name;
        ExitCode = exitCode;
        Lines = lines;
    }

    public string Name { get; }

    public int ExitCode { get; }

    public IReadOnlyList<string> Lines { get; }

    public string Output => string.Join('\n', Lines);

    public static string DllPath(string name) => HostProcess.BuiltDllPath($"src/Examples/{name}");

    public static async Task<ExampleRun> RunAsync(string name, ITestOutputHelper output, TimeSpan timeout)
    {
        await using var process = new ChildProcess(name);
        var clock = Stopwatch.StartNew();
        process.Start(ChildProcess.StartInfo("dotnet", Environment.CurrentDirectory, DllPath(name)));
        if (!await process.WaitForExitAsync(timeout))
        {
            await process.KillAsync();
            process.Note($"(killed by the test after {timeout.TotalSeconds} s)");
        }
        output.WriteLine(process.Output());
        output.WriteLine($"{name}: exit code {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        return new ExampleRun(name, process.ExitCode ?? -1, process.Output().Split('\n'));
    }

    /// <summary>Asserts that the demo finished and every one of its checks held.</summary>
    public void AssertPassed()
    {
        Assert.True(ExitCode == 0 && !Lines.Any(l => l.Contains("[FAILED]", StringComparison.Ordinal)),
            $"{Name} exited with {ExitCode}:\n{Output}");
    }

    /// <summary>The details of the check named <paramref name="label"/> (<c>[ok] label: details</c>); fails when it is missing.</summary>
    public string Check(string label)
    {
        var prefix = $"[ok] {label}: ";
        var line = Lines.FirstOrDefault(l => l.TrimStart().StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"{Name} printed no '{prefix}' line:\n{Output}");
        return line!.TrimStart()[prefix.Length..];
    }

    /// <summary>Every line the backend (or the library inside it) printed that contains <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LinesContaining(string text) =>
        Lines.Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
}
