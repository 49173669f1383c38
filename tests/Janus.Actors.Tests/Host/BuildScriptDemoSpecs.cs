namespace Janus.Actors.Tests.Host;

/// <summary><c>./build.sh demo</c> with a handful of sessions: every one survives the SIGKILL, and nothing is left running.</summary>
[Collection(BuildScriptCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class BuildScriptDemoSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_reclaims_every_session_after_killing_its_host_and_exits_0()
    {
        await using var script = new BuildScriptProcess();

        var demo = script.Start("demo", "--sessions", "6");
        var exitCode = await script.WaitForExitAsync(demo, TimeSpan.FromMinutes(5));

        output.WriteLine(script.Output());
        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{script.Tail()}");
        var summary = Assert.Single(script.Output().Split('\n'), l => l.StartsWith("Reclaimed ", StringComparison.Ordinal));
        Assert.StartsWith("Reclaimed 6/6 sessions in ", summary);
        Assert.Contains("6/6 handles answered; lost 0", summary);
        Assert.Contains("kill -9", script.Output());
        Assert.Null(script.JanusProcessId); // the demo started Janus, so it stopped it
        Assert.Equal(0, script.CountJanusProcesses());
    }
}
