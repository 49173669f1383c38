using Janus.Actors.Tests.Integration;
using System.Net.Http.Json;

namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// A node frozen (SIGSTOP) long enough for the others to down it and re-home its sessions wakes up believing it still
/// owns them. It must not claim them back from their new owners — Janus has no ownership check, and their events would
/// follow the claim to the frozen node's socket — nor take commands: it answers 503 until it learns it was downed and
/// leaves. Found by the chaos soak (a node frozen 39 s reclaimed a re-homed session 0.1 s after it woke).
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterFrozenNodeSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_node_that_wakes_after_its_sessions_were_re_homed_neither_claims_them_back_nor_takes_commands()
    {
        var created = await Cluster.CreateRoundRobinAsync(2);
        var hosting = await Cluster.HostingNodesAsync(created.Select(s => s.Key));
        var victim = hosting.Values.GroupBy(n => n).OrderByDescending(g => g.Count()).First().Key;
        var survivors = Cluster.Nodes.Where(n => n != victim).ToList();
        var moved = created.Where(s => hosting[s.Key] == victim).ToList();
        Output.WriteLine($"freezing {victim}, which hosts {moved.Count} of {created.Count} sessions");

        victim.Host.Freeze();
        try
        {
            await Eventually.TrueAsync(async () =>
                {
                    var sessions = (await Cluster.ListSessionsAsync(survivors)).ToDictionary(s => s.Key);
                    return moved.All(s => sessions.TryGetValue(s.Key, out var seen)
                                          && seen is { State: "active" } && seen.Node != victim.Address && seen.JanusSessionId == s.JanusSessionId);
                }, Patience, "every session of the frozen node active on a survivor");
        }
        finally
        {
            victim.Host.Thaw();
        }

        // Awake, it refuses at once: the cluster may have given its sessions away (it had).
        using var refused = await victim.Host.PostJsonAsync("v1/sessions", new { key = "after-the-freeze", transport = "websocket" });
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("paused", problem.GetProperty("detail").GetString());

        // Every moved session is still its new owner's: Janus delivers its plugin's answers to that node.
        foreach (var session in moved)
            Assert.Equal("ok", await survivors[0].EchoAsync(session.Key, session.HandleId));

        // The woken node learns it was downed and leaves, having claimed nothing.
        await Eventually.TrueAsync(() => Task.FromResult(victim.Host.HasExited), Patience, "the downed node to leave");
        Assert.Empty(Cluster.LogLinesContaining([victim], "Reclaimed Janus session for"));
        foreach (var session in moved)
            Assert.Equal("ok", await survivors[1].EchoAsync(session.Key, session.HandleId));
        AssertCleanLogs();
    }
}
