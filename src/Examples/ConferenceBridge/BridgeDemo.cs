using Janus.Actors.Examples;
using Janus.Actors.Fixtures;

namespace ConferenceBridge;

/// <summary>
/// The whole story on this machine: a private Janus, the moderator as a child process on an audiobridge, participants
/// who join, leave and unmute themselves around a SIGKILL of the moderator, and the checks a user would make; exits 0
/// when all of them hold.
/// </summary>
public static class BridgeDemo
{
    private const long Room = 4321;
    private const int ReclaimSessionTimeoutSeconds = 20;
    private const int SessionTimeoutSeconds = 60;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task<int> RunAsync() => DemoReport.RunAsync("janus-example-bridge-", RunAsync);

    private static async Task RunAsync(DemoReport report, string folder)
    {
        report.Step($"Start a private Janus with the audiobridge plugin (reclaim_session_timeout = {ReclaimSessionTimeoutSeconds} s, session_timeout = {SessionTimeoutSeconds} s)");
        await using var janus = new JanusServer(new JanusServerOptions
        {
            ReclaimSessionTimeoutSeconds = ReclaimSessionTimeoutSeconds,
            SessionTimeoutSeconds = SessionTimeoutSeconds,
        });
        await janus.StartAsync();
        report.Say($"Janus API {janus.WebSocketUrl}, admin API {janus.AdminUrl} (the moderator reads its own handle back with it after a crash)");

        report.Step($"Start the moderator: it creates bridge {Room} and joins it muted; on this bridge only the moderator lets people speak");
        await using var backend = new BackendProcess(
        [
            $"--Janus:WebSocketUrl={janus.WebSocketUrl}",
            $"--Janus:AdminUrl={janus.AdminUrl}",
            $"--Janus:AdminSecret={janus.Options.AdminSecret}",
            "--Journal=bridge.db",
            $"--Bridge:Room={Room}",
        ], folder);
        backend.Start();
        await backend.WaitForLineAsync($"Joined bridge {Room}", timeout: Patience);

        report.Step("alice and carol join, unmuted");
        var mark = backend.LineCount;
        await using var alice = await RoomGuest.JoinAudioBridgeAsync(janus, Room, "alice");
        await backend.WaitForLineAsync("Muted alice", mark, Patience);
        await using var carol = await RoomGuest.JoinAudioBridgeAsync(janus, Room, "carol");
        await backend.WaitForLineAsync("Muted carol", mark, Patience);
        var beforeGap = await alice.ListParticipantsAsync(Room);
        report.Check(Roster(beforeGap) == "alice (muted), carol (muted), moderator (muted)", "newcomers muted", $"Janus lists: {Roster(beforeGap)}");
        var moderatorId = beforeGap.Single(p => p.Display == "moderator").Id;

        report.Step("Kill the moderator with SIGKILL");
        var killed = await backend.KillAsync();
        report.Check(killed == 137, "moderator killed", $"exit code {killed}, no shutdown code ran");

        report.Step("While the moderator is down, bob joins, alice leaves and carol unmutes herself");
        await using var bob = await RoomGuest.JoinAudioBridgeAsync(janus, Room, "bob");
        await alice.LeaveAsync();
        await carol.MuteAsync(false);
        var duringGap = await bob.ListParticipantsAsync(Room);
        report.Check(Roster(duringGap) == "bob, carol, moderator (muted)", "the bridge changed during the gap",
            $"Janus lists: {Roster(duringGap)} — the moderator is still on it (participant {moderatorId}) though its process is gone; " +
            "the joined, leaving and mute events are dropped: no transport owns its Janus session");

        report.Step("Start the moderator again on the same journal");
        mark = backend.LineCount;
        backend.Start();
        var ownState = await backend.WaitForLineAsync("Own state kept through the gap", mark, Patience);
        report.Check(ownState.EndsWith($"participant {moderatorId} on bridge {Room}, muted: True", StringComparison.Ordinal), "own state kept",
            From(ownState, "Own state"));
        var resynchronised = await backend.WaitForLineAsync("Resynchronised bridge", mark, Patience);
        report.Check(resynchronised.Contains("joined during the gap: [bob]; left during the gap: [alice]; mute changed during the gap: [carol unmuted]"),
            "resynchronised after the reclaim", From(resynchronised, "Resynchronised"));
        await backend.WaitForLineAsync("Muted bob", mark, Patience);
        await backend.WaitForLineAsync("Muted carol", mark, Patience);
        var afterRestart = await bob.ListParticipantsAsync(Room);
        report.Check(Roster(afterRestart) == "bob (muted), carol (muted), moderator (muted)" && afterRestart.Any(p => p.Id == moderatorId),
            "the rule holds again", $"Janus lists: {Roster(afterRestart)}; the moderator is participant {moderatorId} before and after");

        report.Step("After the reclaim, dave joins");
        mark = backend.LineCount;
        await using var dave = await RoomGuest.JoinAudioBridgeAsync(janus, Room, "dave");
        var daveMuted = await backend.WaitForLineAsync("Muted dave", mark, Patience);
        report.Check(daveMuted.EndsWith("on the bridge: bob (muted), carol (muted), dave (muted), moderator (muted)", StringComparison.Ordinal),
            "newcomer muted after the reclaim", From(daveMuted, "Muted"));

        report.Step("Stop the moderator gracefully (as on a redeploy)");
        var stopped = await backend.StopAsync();
        report.Check(stopped == 0, "graceful stop", $"exit code {stopped}; the moderator stays on the bridge for its next start");
    }

    private static string Roster(IEnumerable<Listed> participants) =>
        string.Join(", ", participants.Select(p => p.Muted ? $"{p.Display} (muted)" : p.Display).Order(StringComparer.Ordinal));

    private static string From(string line, string word) => line[line.IndexOf(word, StringComparison.Ordinal)..];
}
