namespace Janus.Actors.Tests.Chaos;

/// <summary>
/// The chaos soak's checker can fail: with an acknowledged session's journal rows deleted behind the host's back (a write
/// that was not durable after all), the soak's self-test must see the checker report it. CI's soaks pass only because
/// nothing like it happened.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ChaosSelfTestSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_checker_reports_an_acknowledged_session_the_journal_lost()
    {
        var report = Directory.CreateTempSubdirectory("janus-chaos-self-test-").FullName;
        try
        {
            var (exitCode, printed) = await Command.RunAsync(report, TimeSpan.FromMinutes(4), "dotnet",
                HostProcess.BuiltDllPath("tests/Janus.Actors.Chaos"), "--self-test", "--report", report);
            output.WriteLine(printed);

            Assert.True(exitCode == 0, $"the self-test failed (exit {exitCode}):\n{printed}");
            Assert.Contains("Self-test passed", printed);
            Assert.Contains("[acknowledged-is-durable]", await File.ReadAllTextAsync(Path.Combine(report, "report.txt")));
        }
        finally
        {
            Directory.Delete(report, recursive: true);
        }
    }
}
