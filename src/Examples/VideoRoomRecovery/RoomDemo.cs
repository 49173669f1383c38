using Janus.Actors.Examples;
using Janus.Actors.Fixtures;

namespace VideoRoomRecovery;

/// <summary>
/// The whole story on this machine: a private Janus, the backend as a child process in a videoroom that forwards every
/// publisher's media to a recorder, guests that join and leave around a SIGKILL of the backend — and one who publishes
/// her camera from a browser (headless Chromium) while it is down — and the checks a user would make; exits 0 when all
/// of them hold.
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

        using var audio = new RtpRecorder();
        using var video = new RtpRecorder();
        report.Step($"Start the backend: it creates room {Room} with notify_joining, joins it as a publisher without media, " +
                    $"and has Janus forward every publisher's media to the recorder (udp 127.0.0.1:{audio.Port} audio, :{video.Port} video)");
        await using var backend = new BackendProcess(
        [
            $"--Janus:WebSocketUrl={janus.WebSocketUrl}",
            "--Journal=room.db",
            $"--Room:Id={Room}",
            "--Room:ForwardHost=127.0.0.1",
            $"--Room:ForwardAudioPort={audio.Port}",
            $"--Room:ForwardVideoPort={video.Port}",
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

        report.Step("While the backend is down, bob joins, alice leaves, and dave publishes his camera and microphone from a browser");
        await using var bob = await RoomGuest.JoinVideoRoomAsync(janus, Room, "bob");
        await alice.LeaveAsync();
        await using var browser = await WebRtcPeer.LaunchAsync();
        var dave = await browser.PublishToVideoRoomAsync(janus, Room, "dave");
        var duringGap = await bob.ListParticipantsAsync(Room);
        report.Check(Names(duringGap) == "backend, bob, dave" && audio.Packets + video.Packets == 0, "the room changed during the gap",
            $"in the room: {Names(duringGap)} — the backend is still in it (participant {backendId}) though its process is gone; " +
            $"the joining, leaving and publishers events are dropped: no transport owns its Janus session; dave (publisher {dave}) is not forwarded: the recorder got nothing");

        report.Step("Start the backend again on the same journal");
        mark = backend.LineCount;
        backend.Start();
        var resynchronised = await backend.WaitForLineAsync("Resynchronised room", mark, Patience);
        report.Check(resynchronised.Contains("joined during the gap: [bob, dave]; left during the gap: [alice]; published during the gap: [dave]; in the room: backend, bob, dave"),
            "resynchronised after the reclaim", From(resynchronised, "Resynchronised"));
        var forwarding = await backend.WaitForLineAsync("Forwarding dave", mark, Patience);
        var forwarded = await audio.WaitForMediaAsync(Patience) && await video.WaitForMediaAsync(Patience);
        report.Check(forwarded, "the publisher of the gap forwarded",
            $"{From(forwarding, "Forwarding")}; the recorder got {audio.Packets} audio and {video.Packets} video RTP packets of dave's");
        var stillIn = await backend.WaitForLineAsync("Still in room", mark, Patience);
        var afterRestart = await bob.ListParticipantsAsync(Room);
        report.Check(stillIn.Contains($"participant {backendId}") && afterRestart.Any(p => p.Id == backendId && p.Display == "backend"),
            "same participant after the restart", $"listparticipants: {Names(afterRestart)}; backend is participant {backendId} before and after");

        report.Step("After the reclaim, carol joins and bob leaves");
        mark = backend.LineCount;
        await using var carol = await RoomGuest.JoinVideoRoomAsync(janus, Room, "carol");
        var carolJoining = await backend.WaitForLineAsync("Participant joining: carol", mark, Patience);
        report.Check(carolJoining.EndsWith("in the room: backend, bob, carol, dave", StringComparison.Ordinal), "joining after the reclaim",
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
