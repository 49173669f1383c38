using System.Diagnostics;
using Janus.Actors;
using Janus.Actors.Examples;
using Janus.Actors.Sessions;
using Janus.Actors.Fixtures;
using Janus.Actors.Servers;

namespace ErrorHandling;

/// <summary>
/// Four failures a backend meets, each against a private Janus on this machine and handled by <see cref="CallSessions"/>:
/// an unknown session id to adopt, a reclaim window that lapsed while the backend was down, Janus unreachable for a
/// while, and a wrong api secret. Prints what the code logs and the checks a user would make; exits 0 when they hold.
/// </summary>
public static class ErrorDemo
{
    private const string ApiSecret = "example-api-secret";
    private const int ShortReclaimSeconds = 2;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static Task<int> RunAsync() => DemoReport.RunAsync("janus-example-errors-", RunAsync);

    private static async Task RunAsync(DemoReport report, string folder)
    {
        report.Step("Start two private Janus servers, both with an api_secret: A (reclaim_session_timeout = 20 s) behind a TCP proxy " +
                    $"the backend points at, and B (reclaim_session_timeout = {ShortReclaimSeconds} s)");
        await using var janusA = new JanusServer(new JanusServerOptions { ApiSecret = ApiSecret, ReclaimSessionTimeoutSeconds = 20, SessionTimeoutSeconds = 60 });
        await using var janusB = new JanusServer(new JanusServerOptions { ApiSecret = ApiSecret, ReclaimSessionTimeoutSeconds = ShortReclaimSeconds, SessionTimeoutSeconds = 10 });
        await Task.WhenAll(janusA.StartAsync(), janusB.StartAsync());
        await using var proxy = new TcpProxy(janusA.Ports.WebSocket);
        using var adminA = janusA.CreateAdminClient();
        using var adminB = janusB.CreateAdminClient();
        var log = new LogRecorder();

        // Short backoff for the demo; the defaults are 250 ms doubling up to 5 s.
        var throughProxy = new JanusOptions
        {
            WebSocketUrl = new Uri($"ws://127.0.0.1:{proxy.Port}/"),
            ApiSecret = ApiSecret,
            MinReclaimBackoff = TimeSpan.FromMilliseconds(200),
            MaxReclaimBackoff = TimeSpan.FromSeconds(1),
        };
        var shortWindow = throughProxy with { WebSocketUrl = janusB.WebSocketUrl };

        await AdoptUnknownSessionAsync(report, throughProxy, Path.Combine(folder, "adopt.db"), log);
        await ReclaimWindowLapsedAsync(report, shortWindow, Path.Combine(folder, "lapsed.db"), log, adminB);
        await JanusUnreachableAsync(report, throughProxy, Path.Combine(folder, "outage.db"), log, proxy);
        await WrongApiSecretAsync(report, throughProxy, folder, log, adminA);
    }

    private static async Task AdoptUnknownSessionAsync(DemoReport report, JanusOptions janus, string journal, LogRecorder log)
    {
        report.Step("Case 1: adopt a Janus session id that Janus does not know (a browser sent a stale id)");
        await using var backend = await Backend.StartAsync(janus, journal, log);
        var adopted = await backend.Calls.AdoptAsync("browser-call", janusSessionId: 4242);

        var refusal = log.Find("Cannot adopt a Janus session for browser-call");
        report.Check(adopted is null && refusal is not null && refusal.Contains(": 458 "), "adopt refused",
            $"{refusal}; not retried");
        report.Check(await backend.Sessions.GetAsync("browser-call") is null, "key free again", "GetAsync(\"browser-call\") is null: nothing was persisted");
    }

    private static async Task ReclaimWindowLapsedAsync(DemoReport report, JanusOptions janus, string journal, LogRecorder log, JanusAdminClient admin)
    {
        report.Step($"Case 2: the backend is down longer than Janus B's reclaim window ({ShortReclaimSeconds} s)");
        long janusId;
        await using (var first = await Backend.StartAsync(janus, journal, log))
            janusId = (await first.Calls.CreateAsync("call-lapsed"))!.JanusSessionId!.Value;
        var down = Stopwatch.StartNew();
        report.Say($"The backend went down holding Janus session {janusId} (stopping it closes its socket just as a crash does).");
        while ((await admin.ListSessionsAsync()).Contains(janusId))
        {
            if (down.Elapsed > Patience)
                throw new TimeoutException($"Janus B still holds session {janusId} after {Patience.TotalSeconds} s");
            await Task.Delay(200);
        }
        report.Say($"Janus B destroyed session {janusId} {down.Elapsed.TotalSeconds:F1} s after the backend went down (its watchdog runs late by design).");

        await using var second = await Backend.StartAsync(janus, journal, log);
        await second.Calls.WaitForSessionAsync("call-lapsed", Patience);
        using var patience = new CancellationTokenSource(Patience);
        var error = await second.Calls.FollowAsync("call-lapsed", () => Task.CompletedTask, patience.Token);

        report.Check(error?.Code == 458, "SessionEnded after the restart", log.Find("call-lapsed lost: Janus code") ?? "no SessionEnded");
        var session = await second.Sessions.GetAsync("call-lapsed");
        report.Check(session is { State: JanusSessionStatus.Lost, Reclaims: 0, LastError.Code: 458 }, "GetAsync shows it",
            $"state {session?.State.ToString().ToLowerInvariant()}, last error {session?.LastError?.Code} {session?.LastError?.Reason}, reclaims {session?.Reclaims}");
        var retries = log.Count("Reclaiming call-lapsed in ");
        report.Check(retries == 0, "not retried", $"{retries} retries: 458 is final, and the loss is persisted so no later process claims it either");
        try
        {
            await second.Calls.EchoAsync("call-lapsed", 1);
            report.Check(false, "requests refused", "a request on a lost session was accepted");
        }
        catch (JanusSessionUnavailableException e)
        {
            report.Check(e.State == JanusSessionStatus.Lost, "requests refused", $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task JanusUnreachableAsync(DemoReport report, JanusOptions janus, string journal, LogRecorder log, TcpProxy proxy)
    {
        report.Step($"Case 3: Janus A unreachable for {Outage.TotalSeconds:0} s while the backend runs (the proxy refuses connections)");
        await using var backend = await Backend.StartAsync(janus, journal, log);
        var created = (await backend.Calls.CreateAsync("call-outage"))!;
        var handle = await backend.Sessions.AttachAsync("call-outage", "janus.plugin.echotest");
        using var following = new CancellationTokenSource();
        var resynchronised = 0;
        var follow = backend.Calls.FollowAsync("call-outage", () => Task.FromResult(Interlocked.Increment(ref resynchronised)), following.Token);

        proxy.Pause();
        var outage = Stopwatch.StartNew();
        var during = await WaitForStateAsync(backend, "call-outage", JanusSessionStatus.Reclaiming);
        report.Say($"GetAsync during the outage: state {during.State.ToString().ToLowerInvariant()}");
        var request = backend.Calls.EchoAsync("call-outage", handle);
        await Task.Delay(Outage); // the length of the outage: part of the scenario, not a wait for anything
        proxy.Resume();
        report.Say($"Janus reachable again after {outage.Elapsed.TotalSeconds:F1} s");

        var reply = await request;
        var after = await WaitForStateAsync(backend, "call-outage", JanusSessionStatus.Active);
        var delays = log.Matching(@"Reclaiming call-outage in (\d+:\d+:[\d.]+)").Select(d => $"{TimeSpan.Parse(d).TotalSeconds:F2} s").ToList();
        var retries = delays.Count; // each failed claim schedules the next after its backoff (logged at Debug)
        report.Check(retries >= 1 && delays.Count >= 1, "backoff while unreachable",
            $"{retries} failed reclaim attempts, retried after {string.Join(", ", delays)}");
        report.Check(after.JanusSessionId == created.JanusSessionId && after.Reclaims >= 1, "reclaimed after the outage",
            $"state active, same Janus session {after.JanusSessionId}, reclaims {after.Reclaims}, {outage.Elapsed.TotalSeconds:F1} s after the outage began");
        report.Check(reply.Result == "ok", "request during the outage answered",
            $"the echotest request sent while reclaiming waited for the claim and got \"{reply.Result}\"");
        var notified = await WithinPatienceAsync(() => Volatile.Read(ref resynchronised) >= 1);
        report.Check(notified, "SessionReclaimed", log.Find("call-outage reclaimed") ?? "no SessionReclaimed notice");
        await following.CancelAsync();
        await IgnoreCancellation(follow);
    }

    private static async Task WrongApiSecretAsync(DemoReport report, JanusOptions janus, string folder, LogRecorder log, JanusAdminClient admin)
    {
        report.Step("Case 4: a wrong api secret (a bad deploy): creating a session, and reclaiming one after a restart");
        var wrong = janus with { ApiSecret = "not-the-secret" };
        await using (var misconfigured = await Backend.StartAsync(wrong, Path.Combine(folder, "secret-create.db"), log))
        {
            var created = await misconfigured.Calls.CreateAsync("call-403");
            var refusal = log.Find("Janus refused create for call-403");
            report.Check(created is null && refusal is not null && refusal.Contains(": 403 "), "create refused", refusal ?? "no refusal logged");
        }

        var journal = Path.Combine(folder, "secret-reclaim.db");
        long janusId;
        await using (var first = await Backend.StartAsync(janus, journal, log))
            janusId = (await first.Calls.CreateAsync("call-secret"))!.JanusSessionId!.Value;
        await using var restarted = await Backend.StartAsync(wrong, journal, log);
        await restarted.Calls.WaitForSessionAsync("call-secret", Patience);
        using var patience = new CancellationTokenSource(Patience);
        var error = await restarted.Calls.FollowAsync("call-secret", () => Task.CompletedTask, patience.Token);
        var retries = log.Count("Reclaiming call-secret in ");
        report.Check(error?.Code == 403 && retries == 0, "reclaim refused, not retried",
            $"{log.Find("call-secret lost: Janus code")}; {retries} retries");
        var stillInJanus = (await admin.ListSessionsAsync()).Contains(janusId);
        report.Say($"Janus {(stillInJanus ? "still holds" : "no longer holds")} session {janusId}: a 403 is final for the library, so fix " +
                   "the secret before a redeploy; Janus drops the orphan after its session_timeout.");
    }

    private static async Task<JanusSessionInfo> WaitForStateAsync(Backend backend, string key, JanusSessionStatus state)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await backend.Sessions.GetAsync(key) is { } session && session.State == state)
                return session;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{key} never reached state {state}");
            await Task.Delay(50);
        }
    }

    private static async Task<bool> WithinPatienceAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try { await task; }
        catch (OperationCanceledException) { /* we stopped following */ }
    }
}
