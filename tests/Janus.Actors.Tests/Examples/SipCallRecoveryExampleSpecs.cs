using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Examples;

/// <summary>
/// src/Examples/SipCallRecovery end to end: a backend registers a SIP line through Janus's SIP plugin against sipp,
/// is killed with SIGKILL and started again; the call sipp places after the reclaim reaches the same handle.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SipCallRecoveryExampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_call_placed_after_a_SIGKILL_and_restart_reaches_the_reclaimed_SIP_handle_and_gets_its_answer()
    {
        var run = await ExampleRun.RunAsync("SipCallRecovery", output, TimeSpan.FromSeconds(60));

        run.AssertPassed();
        Assert.Matches(@"^sipp accepted the REGISTER \(exit 0\)", run.Check("registered"));
        Assert.StartsWith("exit code 137", run.Check("backend killed"));
        var same = Regex.Match(run.Check("same Janus session and SIP handle"), @"^session (\d+) → (\d+), handle (\d+) → (\d+) ");
        Assert.True(same.Success, run.Output);
        Assert.Equal(same.Groups[1].Value, same.Groups[2].Value);
        Assert.Equal(same.Groups[3].Value, same.Groups[4].Value);
        Assert.Contains("still stands after the reclaim (SIP plugin: 445 Already registered", run.Check("registration re-checked"));
        var call = Regex.Match(run.Check("incomingcall on the reclaimed handle"), @"^Incoming call from sip:bob@127\.0\.0\.1:\d+ on handle (\d+) ");
        Assert.True(call.Success, run.Output);
        Assert.Equal(same.Groups[3].Value, call.Groups[1].Value);
        Assert.Single(run.LinesContaining("Declined the call from sip:bob@127.0.0.1"));
        Assert.EndsWith("SIP/2.0 603 Decline; sipp exit code 0", run.Check("sipp saw the answer"));
        Assert.StartsWith("exit code 0;", run.Check("graceful stop destroys nothing"));
    }
}
