using Janus.Actors.Examples;
using Janus.Actors.Fixtures;

namespace VideoRoomRecovery;

/// <summary>
/// The whole story on this machine: a private Janus, the backend as a child process in a videoroom, guests that join
/// and leave around a SIGKILL of the backend, and the checks a user would make; exits 0 when all of them hold.
/// </summary>
public static class RoomDemo
{
    private const long Room = 1234;
    private const int ReclaimSessionTimeoutSeconds = 20;
    private const int SessionTimeoutSeconds = 60;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task<int> RunAsync() => DemoReport.RunAsync("janus-example-room-", RunAsync);

    private static async Task RunAsync(DemoReport report, string folder)
    {
        report.Step($"Start a private Janus with the videoroom plugin (reclaim_session_timeout = {ReclaimSessionTimeoutSeconds} s, session_timeout = {SessionTimeoutSeconds} s)");
        await using var janus = new JanusServer(new JanusServerOptions
        {
            ReclaimSessionTimeoutSeconds = ReclaimSessionTimeoutSeconds,
            SessionTimeoutSeconds = SessionTimeoutSeconds,
        });
        await janus.StartAsync();
        report.Say($"Janus API {janus.WebSocketUrl}");

        report.Step($"Start the backend: it creates room {Room} with notify_joining and joins it as a publisher without media");
        await using var backend = new BackendProcess(
        [
            $"--Janus:WebSocketUrl={janus.WebSocketUrl}",
            "--Journal=room.db",
            $"--Room:Id={Room}",
        ], folder);
        backend.Start();
        await backend.WaitForLineAsync($"Joined room {Room}", timeout: Patience);

        report.Step("alice joins the room");
        var mark = backend.LineCount;
        await using var alice = await RoomGuest.JoinVideoRoomAsync(janus, Room, "alice");
        var aliceJoining = await backend.WaitForLineAsync("Participant joining: alice", mark, Patience);
        report.Check(aliceJoining.Contains("in the room: alice, backend"), "joining seen", From(aliceJoining, "Participant"));
        var backendId = (await alice.ListParticipantsAsync(Room)).Single(p => p.Display == "backend").Id;

        report.Step("Kill the backend with SIGKILL");
        var killed = await backend.KillAsync();
        report.Check(killed == 137, "backend killed", $"exit code {killed}, no shutdown code ran");

        report.Step("While the backend is down, bob joins and alice leaves");
        await using var bob = await RoomGuest.JoinVideoRoomAsync(janus, Room, "bob");
        await alice.LeaveAsync();
        var duringGap = await bob.ListParticipantsAsync(Room);
        report.Check(Names(duringGap) == "backend, bob", "the room changed during the gap",
            $"in the room: {Names(duringGap)} — the backend is still in it (participant {backendId}) though its process is gone; " +
            "the joining and leaving events are dropped: no transport owns its Janus session");

        report.Step("Start the backend again on the same journal");
        mark = backend.LineCount;
        backend.Start();
        var resynchronised = await backend.WaitForLineAsync("Resynchronised room", mark, Patience);
        report.Check(resynchronised.Contains("joined during the gap: [bob]; left during the gap: [alice]; in the room: backend, bob"),
            "resynchronised after the reclaim", From(resynchronised, "Resynchronised"));
        var stillIn = await backend.WaitForLineAsync("Still in room", mark, Patience);
        var afterRestart = await bob.ListParticipantsAsync(Room);
        report.Check(stillIn.Contains($"participant {backendId}") && afterRestart.Any(p => p.Id == backendId && p.Display == "backend"),
            "same participant after the restart", $"listparticipants: {Names(afterRestart)}; backend is participant {backendId} before and after");

        report.Step("After the reclaim, carol joins and bob leaves");
        mark = backend.LineCount;
        await using var carol = await RoomGuest.JoinVideoRoomAsync(janus, Room, "carol");
        var carolJoining = await backend.WaitForLineAsync("Participant joining: carol", mark, Patience);
        report.Check(carolJoining.EndsWith("in the room: backend, bob, carol", StringComparison.Ordinal), "joining after the reclaim",
            From(carolJoining, "Participant"));
        mark = backend.LineCount;
        await bob.LeaveAsync();
        var bobLeaving = await backend.WaitForLineAsync("Participant leaving: bob", mark, Patience);
        var final = await carol.ListParticipantsAsync(Room);
        report.Check(bobLeaving.EndsWith($"in the room: {Names(final)}", StringComparison.Ordinal), "leaving after the reclaim",
            $"{From(bobLeaving, "Participant")}; Janus lists: {Names(final)}");

        report.Step("Stop the backend gracefully (as on a redeploy)");
        var stopped = await backend.StopAsync();
        report.Check(stopped == 0, "graceful stop", $"exit code {stopped}; the backend stays in the room for its next start");
    }

    private static string Names(IEnumerable<Listed> participants) =>
        string.Join(", ", participants.Select(p => p.Display).Order(StringComparer.Ordinal));

    private static string From(string line, string word) => line[line.IndexOf(word, StringComparison.Ordinal)..];
}
