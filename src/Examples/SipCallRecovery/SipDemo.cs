using System.Text.RegularExpressions;
using Janus.Actors.Examples;
using Janus.Actors.Fixtures;
using Janus.Actors.Servers;

namespace SipCallRecovery;

/// <summary>
/// The whole story on this machine: a private Janus, sipp as the PBX, the backend as a child process that is killed
/// with SIGKILL, a call that rings while it is down, the backend started again — it answers that call — and a call
/// placed after the reclaim. Prints each step and the checks a user would
/// make; exits 0 when all of them hold.
/// </summary>
public static partial class SipDemo
{
    private const int ReclaimSessionTimeoutSeconds = 20;
    private const int SessionTimeoutSeconds = 30;
    private const string Username = "sip:alice@127.0.0.1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task<int> RunAsync() => DemoReport.RunAsync("janus-example-sip-", RunAsync);

    private static async Task RunAsync(DemoReport report, string folder)
    {
        report.Step($"Start a private Janus with the SIP plugin (reclaim_session_timeout = {ReclaimSessionTimeoutSeconds} s, session_timeout = {SessionTimeoutSeconds} s)");
        await using var janus = new JanusServer(new JanusServerOptions
        {
            ReclaimSessionTimeoutSeconds = ReclaimSessionTimeoutSeconds,
            SessionTimeoutSeconds = SessionTimeoutSeconds,
        });
        await janus.StartAsync();
        using var admin = janus.CreateAdminClient();
        report.Say($"Janus API {janus.WebSocketUrl}, admin API {janus.AdminUrl} (the backend reads its SIP handle back with it after a crash; this demo shows what Janus holds)");

        var registrarPort = Sipp.FreeUdpPort();
        report.Step($"Start sipp as the SIP registrar on udp 127.0.0.1:{registrarPort}");
        await using var registrar = Sipp.Start(Scenario("registrar"), folder, registrarPort, "-trace_logs", "-log_file", Path.Combine(folder, "registrar.log"));

        report.Step($"Start the backend: it creates a Janus session, attaches the SIP plugin and registers {Username}");
        await using var backend = new BackendProcess(
        [
            $"--Janus:WebSocketUrl={janus.WebSocketUrl}",
            $"--Janus:AdminUrl={janus.AdminUrl}",
            $"--Janus:AdminSecret={janus.Options.AdminSecret}",
            "--Journal=sip-line.db",
            $"--Sip:Username={Username}",
            $"--Sip:Proxy=sip:127.0.0.1:{registrarPort}",
        ], folder);
        backend.Start();
        await backend.WaitForLineAsync($"Registered {Username}", timeout: Patience);
        var registrarExit = await registrar.WaitForExitAsync(Patience);
        var contactPort = ContactPort().Match(File.ReadAllText(Path.Combine(folder, "registrar.log"))).Groups[1].Value;
        report.Check(registrarExit == 0 && contactPort.Length > 0, "registered",
            $"sipp accepted the REGISTER (exit {registrarExit}); alice's contact is 127.0.0.1:{contactPort}, a SIP stack inside Janus");
        var sessionId = (await admin.ListSessionsAsync()).Single();
        var handleId = (await admin.ListHandlesAsync(sessionId)).Single();
        report.Say($"Janus holds session {sessionId} with SIP handle {handleId}: {await RegistrationStatusAsync(admin, sessionId, handleId)}");

        report.Step("Kill the backend with SIGKILL");
        var killed = await backend.KillAsync();
        report.Check(killed == 137, "backend killed", $"exit code {killed}, no shutdown code ran");
        var stillThere = (await admin.ListSessionsAsync()).Contains(sessionId);
        report.Check(stillThere, "Janus kept the session", $"session {sessionId} outlives its socket for up to {ReclaimSessionTimeoutSeconds} s; " +
            $"SIP handle {handleId}: {await RegistrationStatusAsync(admin, sessionId, handleId)}");

        var gapCallerPort = Sipp.FreeUdpPort();
        report.Step($"sipp calls alice while the backend is down: INVITE with an audio offer to 127.0.0.1:{contactPort}");
        await using var gapCaller = Sipp.Start(Scenario("caller"), folder, gapCallerPort, $"127.0.0.1:{contactPort}", "-s", "alice",
            "-trace_msg", "-message_file", Path.Combine(folder, "gap-caller-messages.log"));
        var ringing = await WaitForCallStatusAsync(admin, sessionId, handleId, "invited");
        report.Check(ringing is not null, "the call rings in Janus during the gap",
            $"SIP handle {handleId}: {ringing}; its incomingcall event has no transport to go to and is dropped");

        report.Step("Start the backend again on the same journal");
        var mark = backend.LineCount;
        backend.Start();
        var registration = await backend.WaitForLineAsync("(Janus's SIP plugin)", mark, Patience);
        var recovered = await backend.WaitForLineAsync("while the backend was down", mark, Patience);
        var sessionsAfter = await admin.ListSessionsAsync();
        var handlesAfter = await admin.ListHandlesAsync(sessionId);
        report.Check(sessionsAfter.SequenceEqual([sessionId]) && handlesAfter.SequenceEqual([handleId]), "same Janus session and SIP handle",
            $"session {sessionId} → {string.Join(", ", sessionsAfter)}, handle {handleId} → {string.Join(", ", handlesAfter)} (reclaimed, not recreated)");
        report.Check(registration.Contains($"{Username} is registered"), "registration read back", registration[registration.IndexOf(Username, StringComparison.Ordinal)..]);
        report.Check(recovered.Contains("A call from sip:bob@"), "the call of the gap recovered", recovered[recovered.IndexOf("A call from", StringComparison.Ordinal)..]);
        var gapCallerExit = await gapCaller.WaitForExitAsync(Patience);
        var gapResponses = SipResponses().Matches(File.ReadAllText(Path.Combine(folder, "gap-caller-messages.log"))).Select(m => m.Value.Trim()).ToList();
        report.Check(gapCallerExit == 0 && gapResponses.LastOrDefault() == "SIP/2.0 603 Decline", "sipp saw the answer to the call of the gap",
            $"{string.Join(", ", gapResponses)}; sipp exit code {gapCallerExit}");

        // The SIP plugin takes a moment to close the declined call (its WebRTC side is still "establishing" after call_status
        // is idle again); a call before that finds the line busy (486).
        if (await WaitForCallStatusAsync(admin, sessionId, handleId, "idle") is null)
            throw new TimeoutException($"SIP handle {handleId} did not become free after the call of the gap");
        var callerPort = Sipp.FreeUdpPort();
        report.Step($"sipp calls alice after the reclaim: INVITE with an audio offer to 127.0.0.1:{contactPort}");
        mark = backend.LineCount;
        int callerExit;
        await using (var caller = Sipp.Start(Scenario("caller"), folder, callerPort, $"127.0.0.1:{contactPort}", "-s", "alice",
                         "-trace_msg", "-message_file", Path.Combine(folder, "caller-messages.log")))
            callerExit = await caller.WaitForExitAsync(Patience);
        var incoming = await backend.WaitForLineAsync("Incoming call from", mark, Patience);
        report.Check(incoming.Contains($"on handle {handleId} "), "incomingcall on the reclaimed handle", incoming[incoming.IndexOf("Incoming", StringComparison.Ordinal)..]);
        var responses = SipResponses().Matches(File.ReadAllText(Path.Combine(folder, "caller-messages.log"))).Select(m => m.Value.Trim()).ToList();
        report.Check(callerExit == 0 && responses.LastOrDefault() == "SIP/2.0 603 Decline", "sipp saw the answer",
            $"{string.Join(", ", responses)}; sipp exit code {callerExit}");

        report.Step("Stop the backend gracefully (as on a redeploy)");
        var stopped = await backend.StopAsync();
        report.Check(stopped == 0 && (await admin.ListSessionsAsync()).Contains(sessionId), "graceful stop destroys nothing",
            $"exit code {stopped}; Janus still holds session {sessionId} for the next start");
    }

    /// <summary>A sipp scenario of this example (<c>sipp/</c>).</summary>
    private static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "sipp", $"{name}.xml");

    /// <summary>
    /// Polls the handle's SIP state until its call is in <paramref name="status"/> (for <c>idle</c>: and no WebRTC call is
    /// being set up or torn down, or the SIP plugin still answers 486); what it says then, or null.
    /// </summary>
    private static async Task<string?> WaitForCallStatusAsync(JanusAdminClient admin, long sessionId, long handleId, string status)
    {
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var state = (await admin.HandleInfoAsync(sessionId, handleId)).GetProperty("plugin_specific");
            var settled = status != "idle" || (state.GetProperty("establishing").GetInt32() == 0 && state.GetProperty("established").GetInt32() == 0);
            if (state.TryGetProperty("call_status", out var call) && call.GetString() == status && settled)
                return state.TryGetProperty("callee", out var callee) ? $"call_status = {status}, callee = {callee.GetString()}" : $"call_status = {status}";
        }
        return null;
    }

    private static async Task<string> RegistrationStatusAsync(JanusAdminClient admin, long sessionId, long handleId)
    {
        var info = await admin.HandleInfoAsync(sessionId, handleId);
        return $"registration_status = {info.GetProperty("plugin_specific").GetProperty("registration_status").GetString()}";
    }

    [GeneratedRegex(@"contact-port=(\d+)")]
    private static partial Regex ContactPort();

    [GeneratedRegex(@"^SIP/2\.0 \d{3} [^\r\n]*", RegexOptions.Multiline)]
    private static partial Regex SipResponses();
}
