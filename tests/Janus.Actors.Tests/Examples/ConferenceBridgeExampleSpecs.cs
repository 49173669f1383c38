namespace Janus.Actors.Tests.Examples;

/// <summary>
/// src/Examples/ConferenceBridge end to end: the moderator of an audiobridge is killed with SIGKILL while people join,
/// leave and unmute themselves; it comes back as the same muted participant, learns the changes of the gap and mutes
/// whoever is not muted, then follows the bridge again.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ConferenceBridgeExampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_moderator_stays_on_the_bridge_across_a_SIGKILL_still_muted_and_mutes_whoever_joined_or_unmuted_during_the_gap()
    {
        var run = await ExampleRun.RunAsync("ConferenceBridge", output, TimeSpan.FromSeconds(60));

        run.AssertPassed();
        Assert.Equal("Janus lists: alice (muted), carol (muted), moderator (muted)", run.Check("newcomers muted"));
        Assert.StartsWith("exit code 137", run.Check("moderator killed"));
        Assert.StartsWith("Janus lists: bob, carol, moderator (muted)", run.Check("the bridge changed during the gap"));
        Assert.Matches(@"^Own state kept through the gap: participant \d+ on bridge 4321, muted: True$", run.Check("own state kept"));
        Assert.Equal("Resynchronised bridge 4321 after the reclaim: joined during the gap: [bob]; left during the gap: [alice]; " +
                     "mute changed during the gap: [carol unmuted]; on the bridge: bob, carol, moderator (muted)", run.Check("resynchronised after the reclaim"));
        Assert.StartsWith("Janus lists: bob (muted), carol (muted), moderator (muted)", run.Check("the rule holds again"));
        Assert.Matches(@"^Muted dave \(participant \d+\); on the bridge: bob \(muted\), carol \(muted\), dave \(muted\), moderator \(muted\)$",
            run.Check("newcomer muted after the reclaim"));
        Assert.StartsWith("exit code 0", run.Check("graceful stop"));
    }
}
