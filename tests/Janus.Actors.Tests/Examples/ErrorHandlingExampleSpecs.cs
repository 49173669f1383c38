using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Examples;

/// <summary>
/// src/Examples/ErrorHandling end to end: each failure ends where the example's code says it should, with the Janus
/// code a user would look for in its output.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ErrorHandlingExampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_failure_surfaces_with_its_Janus_code_and_only_transient_ones_are_retried()
    {
        var run = await ExampleRun.RunAsync("ErrorHandling", output, TimeSpan.FromSeconds(60));

        run.AssertPassed();

        // 1. Adopting an unknown id: JanusSessionReclaimException 458, final, nothing persisted.
        Assert.Equal("Cannot adopt a Janus session for browser-call: 458 No such session 4242 (final: True); not retried", run.Check("adopt refused"));
        Assert.StartsWith("GetAsync(\"browser-call\") is null", run.Check("key free again"));

        // 2. Reclaim window lapsed during the downtime: SessionEnded with 458, lost for good, no retry.
        Assert.Matches(@"^call-lapsed lost: Janus code 458, No such session \d+$", run.Check("SessionEnded after the restart"));
        Assert.Matches(@"^state lost, last error 458 No such session \d+, reclaims 0$", run.Check("GetAsync shows it"));
        Assert.StartsWith("0 retries", run.Check("not retried"));
        Assert.StartsWith("JanusSessionUnavailableException: Session 'call-lapsed' is lost", run.Check("requests refused"));

        // 3. Janus unreachable: reclaim attempts with growing backoff, then the same session again.
        var backoff = Regex.Match(run.Check("backoff while unreachable"), @"^(\d+) failed reclaim attempts, retried after (.+)$");
        Assert.True(backoff.Success && int.Parse(backoff.Groups[1].Value) >= 1, run.Output);
        var delays = backoff.Groups[2].Value.Split(", ").Select(d => double.Parse(d.TrimEnd(' ', 's'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(delays.Count < 2 || delays[1] > delays[0], $"the backoff should grow: {backoff.Groups[2].Value}");
        Assert.Matches(@"^state active, same Janus session \d+, reclaims 1, ", run.Check("reclaimed after the outage"));
        Assert.EndsWith("got \"ok\"", run.Check("request during the outage answered"));
        Assert.StartsWith("call-outage reclaimed: events may have been missed", run.Check("SessionReclaimed"));

        // 4. A wrong api secret: 403 on create (JanusRequestException) and on reclaim (lost, not retried).
        Assert.StartsWith("Janus refused create for call-403: 403 Unauthorized request", run.Check("create refused"));
        Assert.Matches(@"^call-secret lost: Janus code 403, Unauthorized request \(wrong or missing secret/token\); 0 retries$",
            run.Check("reclaim refused, not retried"));
    }
}
