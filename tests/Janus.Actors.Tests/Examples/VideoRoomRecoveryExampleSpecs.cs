using System.Text.RegularExpressions;

namespace Janus.Actors.Tests.Examples;

/// <summary>
/// src/Examples/VideoRoomRecovery end to end: a backend in a videoroom is killed with SIGKILL while the room changes,
/// comes back as the same participant, resynchronises its roster, forwards the media of the browser that started
/// publishing during the gap, and follows the room again.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
[Collection(BrowserCollection.Name)]
public sealed class VideoRoomRecoveryExampleSpecs(ITestOutputHelper output)
{
    [Fact]
    public async Task The_backend_stays_in_the_room_across_a_SIGKILL_learns_the_changes_of_the_gap_and_follows_later_ones()
    {
        var run = await ExampleRun.RunAsync("VideoRoomRecovery", output, TimeSpan.FromSeconds(60));

        run.AssertPassed();
        Assert.EndsWith("in the room: alice, backend", run.Check("joining seen"));
        Assert.StartsWith("exit code 137", run.Check("backend killed"));
        Assert.StartsWith("in the room: backend, bob, dave", run.Check("the room changed during the gap"));
        Assert.Equal("Resynchronised room 1234 after the reclaim: joined during the gap: [bob, dave]; left during the gap: [alice]; " +
                     "published during the gap: [dave]; in the room: backend, bob, dave", run.Check("resynchronised after the reclaim"));
        var forwarded = Regex.Match(run.Check("the publisher of the gap forwarded"),
            @"^Forwarding dave \(publisher \d+\), who started publishing during the gap, to 127\.0\.0\.1: .*; the recorder got (\d+) audio and (\d+) video RTP packets");
        Assert.True(forwarded.Success, run.Output);
        Assert.True(int.Parse(forwarded.Groups[1].Value) > 0 && int.Parse(forwarded.Groups[2].Value) > 0, run.Output);
        var participant = Regex.Match(run.Check("same participant after the restart"), @"^listparticipants: backend, bob, dave; backend is participant (\d+) ");
        Assert.True(participant.Success, run.Output);
        Assert.Single(run.LinesContaining($"Joined room 1234 as backend (participant {participant.Groups[1].Value})"));
        Assert.Single(run.LinesContaining($"Still in room 1234 as participant {participant.Groups[1].Value}"));
        Assert.Matches(@"^Participant joining: carol \(participant \d+\); in the room: backend, bob, carol, dave$", run.Check("joining after the reclaim"));
        Assert.Matches(@"^Participant leaving: bob \(participant \d+\); in the room: backend, carol, dave; Janus lists: backend, carol, dave$", run.Check("leaving after the reclaim"));
    }
}
