using System.Net.Http.Json;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// <c>./build.sh cluster</c> the way a newcomer tries cluster mode: it starts a private PostgreSQL, the local Janus and
/// three host nodes on loopback; the nodes form one cluster and serve one set of sessions (created on one node, read
/// on another); Ctrl-C stops the nodes, then Janus and PostgreSQL, and leaves nothing running.
/// </summary>
[Collection(BuildScriptCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class BuildScriptClusterSpecs(ITestOutputHelper output)
{
    private const int SigInt = 2;
    private const string ApiToken = "cluster-spec-token";
    // The first run builds the host in Release and initialises PostgreSQL; three nodes then start on 2 cores.
    private static readonly TimeSpan StartPatience = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Cluster_serves_one_set_of_sessions_from_three_nodes_and_ctrl_c_stops_everything()
    {
        await using var script = new BuildScriptProcess();
        // A temp subdirectory is created 0700; PostgreSQL runs as the postgres user, which must reach data/postgres
        // (a checkout's data/ is created 0755).
        File.SetUnixFileMode(script.DataFolder, (UnixFileMode)0b111_101_101);
        var ports = LoopbackPorts.Free(7);
        int[] apiPorts = [ports[0], ports[1], ports[2]], clusterPorts = [ports[3], ports[4], ports[5]];
        script.Environment["CLUSTER_API_PORTS"] = string.Join(',', apiPorts);
        script.Environment["CLUSTER_PORTS"] = string.Join(',', clusterPorts);
        script.Environment["POSTGRES_PORT"] = ports[6].ToString();
        script.Environment["Api__Token"] = ApiToken;
        var members = clusterPorts.Select(p => $"127.0.0.1:{p}").ToArray();

        // Every node becomes ready (in cluster mode: journal, Janus, and an Up member).
        var clock = Stopwatch.StartNew();
        var run = script.Start("cluster");
        foreach (var port in apiPorts)
            await script.WaitForOkAsync(run, port, "/readyz", StartPatience);
        output.WriteLine($"all three nodes ready after {clock.Elapsed.TotalSeconds:F1} s");

        using var node1 = script.CreateApiClient(apiPorts[0]);
        using var node3 = script.CreateApiClient(apiPorts[2]);
        var cluster = (await Eventually.ReturnsAsync(() => GetAsync(node1, "v1/cluster"),
            c => c.Status == HttpStatusCode.OK && UpMembers(c.Json).Count == 3,
            TimeSpan.FromSeconds(60), "node 1 to list three up members")).Json;
        output.WriteLine($"GET /v1/cluster on node 1 after {clock.Elapsed.TotalSeconds:F1} s: {cluster}");
        Assert.Equal(members.Order(), UpMembers(cluster).Order());
        Assert.Equal(members[0], cluster.GetProperty("self").GetString());
        Assert.Contains(cluster.GetProperty("leader").GetString(), members);
        // The script polls the nodes itself: its own ready line may come a moment after ours.
        await Eventually.ReturnsAsync(() => Task.FromResult(script.Output()), o => o.Contains("ready: 3 nodes in one cluster"),
            TimeSpan.FromSeconds(30), "the script's own 'ready' line");

        // A session created through node 1 is the same session read through node 3.
        JsonElement created;
        using (var response = await node1.PostAsJsonAsync("v1/sessions", new { key = "cluster-call-1", transport = "websocket" }))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            created = await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var read = (await Eventually.ReturnsAsync(() => GetAsync(node3, "v1/sessions/cluster-call-1"),
            s => s.Status == HttpStatusCode.OK && s.Json.GetProperty("state").GetString() == "active",
            TimeSpan.FromSeconds(30), "cluster-call-1 active through node 3")).Json;
        output.WriteLine($"created on node 1: {created}\nread on node 3: {read}");
        Assert.Equal(created.GetProperty("janusSessionId").GetInt64(), read.GetProperty("janusSessionId").GetInt64());
        Assert.Contains(read.GetProperty("node").GetString(), members);

        // Ctrl-C: the nodes stop gracefully, then Janus and PostgreSQL; nothing is left.
        var nodePids = Enumerable.Range(1, 3).Select(n => int.Parse(File.ReadAllText(Path.Combine(script.DataFolder, "cluster", $"node-{n}.pid")).Trim())).ToList();
        var postgresPid = script.PostgresProcessId ?? throw new InvalidOperationException($"no PostgreSQL runs for the data folder. Output:\n{script.Tail()}");
        clock.Restart();
        BuildScriptProcess.SignalGroup(run, SigInt);
        var exitCode = await script.WaitForExitAsync(run, TimeSpan.FromSeconds(90));
        output.WriteLine($"Ctrl-C to exit: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{script.Tail()}");
        // (A process that has just exited may linger a moment as a zombie until init reaps it: that is not running.)
        foreach (var (what, pid) in nodePids.Select(p => ("node", p)).Append(("PostgreSQL", postgresPid)))
            await Eventually.TrueAsync(() => Task.FromResult(!IsRunning(pid)), TimeSpan.FromSeconds(10), $"{what} pid {pid} to be gone");
        Assert.Null(script.PostgresProcessId);
        Assert.Equal(0, script.CountJanusProcesses());
        Assert.Empty(Directory.GetFiles(Path.Combine(script.DataFolder, "cluster"), "node-*.pid"));
        output.WriteLine(script.Tail(20));
    }

    /// <summary>One answer of the API; its text shows in a timeout's "last seen".</summary>
    private sealed record Answer(HttpStatusCode Status, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    private static async Task<Answer> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The process exists and is not a zombie (state Z in <c>/proc/{pid}/stat</c>, after the closing parenthesis).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<string> UpMembers(JsonElement cluster) =>
        cluster.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
            ? members.EnumerateArray().Where(m => m.GetProperty("status").GetString() == "up").Select(m => m.GetProperty("node").GetString()!).ToList()
            : [];
}
