using System.Net.Http.Json;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// <c>./build.sh run</c> the way a newcomer uses it: it builds the host, starts a local Janus from deploy/janus/, and
/// serves; Ctrl-C stops both. A second run on the same data folder after a crash reuses the Janus that is still up
/// instead of starting another, and reclaims the sessions of the first run.
/// </summary>
[Collection(BuildScriptCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class BuildScriptRunSpecs(ITestOutputHelper output)
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    // The first run builds the host in Release (incremental, but on a busy 2-core machine it takes a while).
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Run_serves_survives_a_crash_of_itself_and_ctrl_c_stops_host_and_janus()
    {
        await using var script = new BuildScriptProcess();
        using var api = script.CreateApiClient();

        // First run: Janus and the host come up; a session is created through the API.
        var first = script.Start("run");
        await script.WaitForOkAsync(first, "/readyz", StartPatience);
        var janusPid = script.JanusProcessId ?? throw new InvalidOperationException($"no Janus pid file. Output:\n{script.Tail()}");
        using (var created = await api.PostAsJsonAsync("v1/sessions", new { key = "newcomer-1", transport = "websocket" }))
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Contains("ready: status page", script.Output());

        // The script and its host die at once (kill -9 of the terminal's process group); Janus is in its own session.
        BuildScriptProcess.SignalGroup(first, SigKill);
        await script.WaitForExitAsync(first, TimeSpan.FromSeconds(30));
        Assert.Equal(janusPid, script.JanusProcessId);

        // Second run on the same data folder: same Janus, the session comes back.
        var second = script.Start("run");
        await script.WaitForOkAsync(second, "/readyz", StartPatience);
        Assert.Contains("Janus already runs", script.Output());
        Assert.Equal(1, script.CountJanusProcesses());
        Assert.Equal(janusPid, script.JanusProcessId);
        // (404 until the start-up scan of the journal has registered it.)
        var session = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await api.GetAsync("v1/sessions/newcomer-1");
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            },
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("state").GetString() == "active" && s.GetProperty("reclaims").GetInt32() >= 1,
            TimeSpan.FromSeconds(30), "newcomer-1 reclaimed");
        output.WriteLine($"reclaimed after the script's SIGKILL: {session}");

        // Ctrl-C: the host stops gracefully, then Janus; nothing is left.
        BuildScriptProcess.SignalGroup(second, SigInt);
        var exitCode = await script.WaitForExitAsync(second, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{script.Tail()}");
        Assert.Contains("Application is shutting down", script.Output());
        Assert.Null(script.JanusProcessId);
        Assert.Equal(0, script.CountJanusProcesses());
        Assert.False(File.Exists(Path.Combine(script.DataFolder, "host.pid")));
        Assert.True(File.Exists(Path.Combine(script.DataFolder, "janus-actors.db")));
        output.WriteLine(script.Tail(30));
    }

    [Fact]
    public async Task Run_with_two_local_Janus_servers_places_sessions_on_both_and_stops_both()
    {
        await using var script = new BuildScriptProcess();
        script.Environment["JANUS_SERVERS"] = "2";
        using var api = script.CreateApiClient();

        var run = script.Start("run");
        await script.WaitForOkAsync(run, "/readyz", StartPatience);
        var placed = new List<string>();
        foreach (var key in new[] { "two-1", "two-2" })
        {
            using var created = await api.PostAsJsonAsync("v1/sessions", new { key, transport = "websocket" });
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            placed.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("server").GetString()!);
        }
        Assert.Equal(["default", "janus-1"], placed.Order());
        using (var drained = await api.PostAsync("v1/servers/janus-1/drain", JsonContent.Create(new { })))
            Assert.True((await drained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("janusTold").GetBoolean()); // its Admin API is configured
        var second = JanusPid(1) ?? throw new InvalidOperationException($"no pid file for the second Janus. Output:\n{script.Tail()}");

        BuildScriptProcess.SignalGroup(run, SigInt);
        var exitCode = await script.WaitForExitAsync(run, TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{script.Tail()}");
        Assert.Null(script.JanusProcessId);
        Assert.False(PidFiles.IsAlive(second));
        output.WriteLine(script.Tail(20));

        int? JanusPid(int index) => PidFiles.Read(Path.Combine(script.DataFolder, $"janus-{index}", "janus.pid"));
    }
}
