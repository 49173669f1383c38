using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Janus.Actors.Launcher.Demo;

/// <summary>
/// The demo: start a host on its own journal, create sessions with an echotest handle each (progress bar), SIGKILL
/// the host, start it again, show the sessions going from <c>reclaiming</c> to <c>active</c> live, check that every
/// handle still answers, and sum up. Sessions are destroyed and the host stopped at the end.
/// </summary>
public sealed class DemoRun(DemoOptions options, TextWriter output)
{
    private static readonly TimeSpan ReclaimPatience = TimeSpan.FromSeconds(90);
    private readonly bool _live = !Console.IsOutputRedirected;

    private sealed record Session(string Key, string Transport, long HandleId);

    private sealed record Listed(string Key, string State, int Reclaims, string? Error);

    public async Task<int> RunAsync()
    {
        if (Directory.Exists(options.DataFolder)) Directory.Delete(options.DataFolder, recursive: true);
        Directory.CreateDirectory(options.DataFolder);
        await using var host = new DemoHost(options);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        output.WriteLine($"1. Starting a Janus.Actors host on {host.BaseAddress} (journal and log in {options.DataFolder})");
        host.Start();
        await WaitReadyAsync(http, host);

        output.WriteLine($"2. Creating {options.Sessions} Janus sessions, each with an echotest handle");
        var sessions = await CreateSessionsAsync(http);

        output.WriteLine($"3. kill -9 {host.ProcessId}: the host dies without a word to Janus");
        var killedAt = Stopwatch.StartNew();
        await host.KillAsync();

        output.WriteLine("4. Starting the host again on the same journal; it recovers every session and claims it from Janus");
        host.Start();
        var final = await WatchReclaimAsync(http, host, sessions, killedAt);
        var reclaimMs = killedAt.Elapsed.TotalMilliseconds;

        output.WriteLine("5. Asking every echotest handle again");
        var answered = await EchoAllAsync(http, sessions.Where(s => final.TryGetValue(s.Key, out var l) && l.State == "active").ToList());

        var active = final.Values.Count(s => s.State == "active");
        var lost = final.Values.Where(s => s.State != "active").ToList();
        output.WriteLine();
        output.WriteLine($"Reclaimed {active}/{sessions.Count} sessions in {reclaimMs:F0} ms after SIGKILL; {answered}/{active} handles answered; lost {lost.Count}");
        foreach (var group in lost.GroupBy(s => $"{s.State}: {s.Error ?? "no error"}"))
            output.WriteLine($"  {group.Count()} {group.Key} ({string.Join(", ", group.Take(5).Select(s => s.Key))}{(group.Count() > 5 ? ", ..." : "")})");

        await CleanUpAsync(http, host, sessions);
        return active == sessions.Count && answered == active ? 0 : 1;
    }

    private async Task WaitReadyAsync(HttpClient http, DemoHost host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (host.HasExited) throw new DemoSetupException($"the host exited while starting; see {Path.Combine(options.DataFolder, "host.log")}");
            try
            {
                using var response = await http.GetAsync("readyz");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = await response.Content.ReadAsStringAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        throw new DemoSetupException($"the host was not ready within 60 s: {last}");
    }

    private async Task<List<Session>> CreateSessionsAsync(HttpClient http)
    {
        var transports = new List<string>();
        if (options.JanusWebSocketUrl is not null) transports.Add("websocket");
        if (options.JanusRestUrl is not null) transports.Add("rest");
        var created = new List<Session>();
        var done = 0;
        var width = options.Sessions.ToString().Length;
        await Parallel.ForEachAsync(Enumerable.Range(1, options.Sessions), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var transport = transports[i % transports.Count];
            var key = $"demo-{transport[..2]}-{i.ToString().PadLeft(width, '0')}";
            using var create = await http.PostAsJsonAsync("v1/sessions", new { key, transport });
            await EnsureAsync(create, $"create {key}");
            using var attach = await http.PostAsJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
            await EnsureAsync(attach, $"attach to {key}");
            var handleId = (await attach.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("handleId").GetInt64();
            lock (created)
            {
                created.Add(new Session(key, transport, handleId));
                Progress(++done, options.Sessions);
            }
        });
        if (!_live) output.WriteLine($"   {done}/{options.Sessions} created");
        else output.WriteLine();
        return created.OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    private void Progress(int done, int total)
    {
        if (!_live) return;
        const int width = 40;
        var filled = done * width / total;
        output.Write($"\r   [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
    }

    /// <summary>Polls <c>GET /v1/sessions</c> and redraws a table until every session is active or has ended.</summary>
    private async Task<Dictionary<string, Listed>> WatchReclaimAsync(HttpClient http, DemoHost host, List<Session> sessions, Stopwatch sinceKill)
    {
        var deadline = DateTime.UtcNow + ReclaimPatience;
        var shownLines = 0;
        string? lastSummary = null;
        var latest = new Dictionary<string, Listed>();
        while (true)
        {
            if (host.HasExited) throw new DemoSetupException($"the host exited; see {Path.Combine(options.DataFolder, "host.log")}");
            try
            {
                var listed = await http.GetFromJsonAsync<JsonElement>("v1/sessions");
                latest = listed.EnumerateArray().Select(s => new Listed(
                        s.GetProperty("key").GetString()!,
                        s.GetProperty("state").GetString()!,
                        s.GetProperty("reclaims").GetInt32(),
                        s.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } e ? $"{(e.GetProperty("code").ValueKind == JsonValueKind.Number ? e.GetProperty("code").GetInt32() + " " : "")}{e.GetProperty("reason").GetString()}" : null))
                    .ToDictionary(s => s.Key);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            var states = sessions.Select(s => latest.TryGetValue(s.Key, out var l) ? l.State : "starting").ToList();
            var summary = string.Join("  ", states.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
            var settled = states.All(s => s is "active" or "lost" or "destroyed");
            if (_live)
                shownLines = Redraw(sessions, latest, summary, sinceKill, shownLines);
            else if (summary != lastSummary)
                output.WriteLine($"   {sinceKill.ElapsedMilliseconds,6} ms  {summary}");
            lastSummary = summary;
            if (settled || DateTime.UtcNow > deadline) return latest;
            await Task.Delay(100);
        }
    }

    private int Redraw(List<Session> sessions, Dictionary<string, Listed> latest, string summary, Stopwatch sinceKill, int previousLines)
    {
        const int maxRows = 16;
        var text = new StringBuilder();
        if (previousLines > 0) text.Append($"\u001b[{previousLines}A");
        text.Append($"\u001b[2K   {"session",-16} {"transport",-10} {"state",-11} reclaims\n");
        foreach (var session in sessions.Take(maxRows))
        {
            var listed = latest.GetValueOrDefault(session.Key);
            var state = listed?.State ?? "starting";
            var color = state switch { "active" => "\u001b[32m", "reclaiming" => "\u001b[33m", "lost" => "\u001b[31m", _ => "\u001b[90m" };
            text.Append($"\u001b[2K   {session.Key,-16} {session.Transport,-10} {color}{state,-11}\u001b[0m {listed?.Reclaims ?? 0}\n");
        }
        if (sessions.Count > maxRows) text.Append($"\u001b[2K   ... and {sessions.Count - maxRows} more\n");
        text.Append($"\u001b[2K   {sinceKill.ElapsedMilliseconds,6} ms after SIGKILL: {summary}\n");
        output.Write(text);
        return Math.Min(sessions.Count, maxRows) + (sessions.Count > maxRows ? 1 : 0) + 2;
    }

    private static async Task<int> EchoAllAsync(HttpClient http, List<Session> sessions)
    {
        var answered = 0;
        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (session, _) =>
        {
            using var response = await http.PostAsJsonAsync($"v1/sessions/{session.Key}/handles/{session.HandleId}/messages", new { body = new { audio = true } });
            if (!response.IsSuccessStatusCode) return;
            var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (reply.GetProperty("plugindata").GetProperty("data").TryGetProperty("result", out var result) && result.GetString() == "ok")
                Interlocked.Increment(ref answered);
        });
        return answered;
    }

    private async Task CleanUpAsync(HttpClient http, DemoHost host, List<Session> sessions)
    {
        output.WriteLine("Cleaning up: destroying the demo's sessions in Janus and stopping its host");
        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (session, _) =>
        {
            try { using var _r = await http.DeleteAsync($"v1/sessions/{session.Key}"); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { /* the host is going anyway */ }
        });
        await host.StopAsync();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new DemoSetupException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
