namespace Janus.Actors.Tests.Chaos;

/// <summary>
/// The chaos soak's checker can fail: with an acknowledged session's journal rows deleted behind the host's back (a write
/// that was not durable after all), and then a second host run on a restored copy of the journal beside the first (two
/// processes using the same Janus sessions), the soak's self-test must see the checker report both. CI's soaks pass only
/// because nothing like it happened.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ChaosSelfTestSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_checker_reports_an_acknowledged_session_the_journal_lost_and_a_twin_host_using_the_same_sessions()
    {
        var report = Directory.CreateTempSubdirectory("janus-chaos-self-test-").FullName;
        try
        {
            var (exitCode, printed) = await Command.RunAsync(report, TimeSpan.FromMinutes(4), "dotnet",
                HostProcess.BuiltDllPath("tests/Janus.Actors.Chaos"), "--self-test", "--report", report);
            output.WriteLine(printed);

            Assert.True(exitCode == 0, $"the self-test failed (exit {exitCode}):\n{printed}");
            Assert.Contains("Self-test passed", printed);
            var text = await File.ReadAllTextAsync(Path.Combine(report, "report.txt"));
            Assert.Contains("[acknowledged-is-durable]", text);
            Assert.Matches(@"\[one-claimer\] host-[01] \(pid \d+\) sent '\w+' for Janus session \d+ on janus-\d .* after host-[01] \(pid \d+\) claimed it", text);
        }
        finally
        {
            Directory.Delete(report, recursive: true);
        }
    }
}
