using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Examples;

/// <summary>
/// src/Examples/SipCallRecovery end to end: a backend registers a SIP line through Janus's SIP plugin against sipp,
/// is killed with SIGKILL; a call sipp places while it is down rings in Janus and is answered once the backend is back
/// (read back from the Admin API); the call sipp places after the reclaim reaches the same handle.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SipCallRecoveryExampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task A_call_that_rang_while_the_backend_was_SIGKILLed_and_one_placed_after_its_restart_both_get_their_answer()
    {
        var run = await ExampleRun.RunAsync("SipCallRecovery", output, TimeSpan.FromSeconds(90));

        run.AssertPassed();
        Assert.Matches(@"^sipp accepted the REGISTER \(exit 0\)", run.Check("registered"));
        Assert.StartsWith("exit code 137", run.Check("backend killed"));
        var same = Regex.Match(run.Check("same Janus session and SIP handle"), @"^session (\d+) → (\d+), handle (\d+) → (\d+) ");
        Assert.True(same.Success, run.Output);
        Assert.Equal(same.Groups[1].Value, same.Groups[2].Value);
        Assert.Equal(same.Groups[3].Value, same.Groups[4].Value);
        Assert.Matches(@"^SIP handle \d+: call_status = invited, callee = sip:bob@127\.0\.0\.1:\d+;", run.Check("the call rings in Janus during the gap"));
        Assert.StartsWith("sip:alice@127.0.0.1 is registered, call invited (Janus's SIP plugin)", run.Check("registration read back"));
        Assert.Matches(@"^A call from sip:bob@127\.0\.0\.1:\d+ rang on handle \d+ while the backend was down \(its WebRTC offer recovered\)", run.Check("the call of the gap recovered"));
        Assert.EndsWith("SIP/2.0 603 Decline; sipp exit code 0", run.Check("sipp saw the answer to the call of the gap"));
        Assert.Contains("SIP/2.0 180 Ringing", run.Check("sipp saw the answer to the call of the gap")); // rang during the gap
        var call = Regex.Match(run.Check("incomingcall on the reclaimed handle"), @"^Incoming call from sip:bob@127\.0\.0\.1:\d+ on handle (\d+) ");
        Assert.True(call.Success, run.Output);
        Assert.Equal(same.Groups[3].Value, call.Groups[1].Value);
        Assert.Equal(2, run.LinesContaining("Declined the call from sip:bob@127.0.0.1").Count); // the call of the gap and the later one
        Assert.EndsWith("SIP/2.0 603 Decline; sipp exit code 0", run.Check("sipp saw the answer"));
        Assert.StartsWith("exit code 0;", run.Check("graceful stop destroys nothing"));
    }
}
