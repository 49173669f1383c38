using System.Collections.Concurrent;

namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// A rolling restart (each node in turn stopped with SIGTERM and started again, as a redeploy does) never leaves a
/// caller without an answer: some node always answers for every session, and at the end every session is active with
/// the Janus id it was created with.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ClusterRollingRestartSpecs(PostgresFixture postgres, ITestOutputHelper output) : ClusterSpecs(postgres, output)
{
    private const int SessionsPerNodeAndTransport = 2; // 12 sessions
    private static readonly TimeSpan StepPatience = TimeSpan.FromSeconds(60);

    /// <summary>The node being stopped or started right now (-1: none): the only one allowed not to answer.</summary>
    private volatile int _disturbed = -1;


    [Fact]
    public async Task Some_node_always_answers_for_every_session_while_each_node_restarts_in_turn()
    {
        var created = await Cluster.CreateRoundRobinAsync(SessionsPerNodeAndTransport);
        var expected = created.ToDictionary(s => s.Key);
        await Cluster.HostingNodesAsync(expected.Keys);

        using var stopPolling = new CancellationTokenSource();
        var poller = PollAsync(created.Select(s => s.Key).ToArray(), stopPolling.Token);

        foreach (var node in Cluster.Nodes)
        {
            _disturbed = node.Index;
            var clock = Stopwatch.StartNew();
            Assert.Equal(0, await Cluster.StopAsync(node));
            await Cluster.WaitUntilAllUpAsync(StepPatience);
            await WaitAllActiveAsync(expected, $"every session active after {node} stopped");
            Output.WriteLine($"{node}: stopped, its sessions active elsewhere after {clock.ElapsedMilliseconds} ms");
            await Cluster.RestartAsync(node);
            await WaitAllActiveAsync(expected, $"every session active after {node} came back");
            Output.WriteLine($"{node}: back and every session active {clock.ElapsedMilliseconds} ms after its SIGTERM");
            _disturbed = -1;
        }

        await stopPolling.CancelAsync();
        var polls = await poller;
        Output.WriteLine($"{polls.Answered} GETs answered ({string.Join(", ", polls.States.Select(s => $"{s.Key} {s.Value}"))}), " +
                         $"{polls.Tolerated} refused by the node being restarted and retried elsewhere, {polls.Failures.Count} failures");
        Assert.True(polls.Failures.IsEmpty, "requests no node answered or a node not being restarted refused:\n" + string.Join('\n', polls.Failures.Take(30)));
        Assert.True(polls.Answered > 0, "the poller never got an answer");

        var final = await Cluster.ListSessionsAsync();
        Assert.Equal(expected.Count, final.Count);
        foreach (var session in final)
        {
            Assert.Equal("active", session.State);
            Assert.Equal(expected[session.Key].JanusSessionId, session.JanusSessionId);
            // Through a node that does not host it: the request and the plugin's reply cross nodes.
            Assert.Equal("ok", await Cluster.Nodes.First(n => n.Address != session.Node).EchoAsync(session.Key, expected[session.Key].HandleId));
        }
        using var admin = Cluster.Janus.CreateAdminClient();
        Assert.Equal(created.Select(s => s.JanusSessionId).Order(), (await admin.ListSessionsAsync()).Order());
        AssertCleanLogs();
    }

    private Task WaitAllActiveAsync(Dictionary<string, CreatedSession> expected, string waitingFor) =>
        Cluster.WaitForSessionsAsync(sessions =>
        {
            var ended = sessions.Where(s => s.State is "lost" or "destroyed").ToList();
            Assert.True(ended.Count == 0, "sessions ended during the rolling restart: " + string.Join("; ", ended));
            return sessions.Count == expected.Count
                   && sessions.All(s => s.State == "active" && s.JanusSessionId == expected[s.Key].JanusSessionId);
        }, StepPatience, waitingFor);

    private sealed record PollResults(int Answered, int Tolerated, ConcurrentDictionary<string, int> States, ConcurrentQueue<string> Failures);

    /// <summary>
    /// Asks for one session after the other, each time of the nodes in random order until one answers 200 with the
    /// session. A node that does not answer counts as a failure unless it is the one being restarted.
    /// </summary>
    private async Task<PollResults> PollAsync(string[] keys, CancellationToken stop)
    {
        var answered = 0;
        var tolerated = 0;
        var states = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var clock = Stopwatch.StartNew();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = keys[i % keys.Length];
            var gotAnswer = false;
            foreach (var node in Cluster.Nodes.OrderBy(_ => Random.Shared.Next()))
            {
                var disturbed = _disturbed == node.Index;
                if (!node.IsRunning && disturbed)
                    continue; // down on purpose: nobody would route a request there
                string failure;
                try
                {
                    using var response = await http.GetAsync(new Uri(node.Host.BaseAddress, $"v1/sessions/{key}"), stop);
                    var body = await response.Content.ReadAsStringAsync(stop);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var session = SessionView.Parse(JsonDocument.Parse(body).RootElement);
                        states.AddOrUpdate(session.State, 1, (_, n) => n + 1);
                        answered++;
                        gotAnswer = true;
                        break;
                    }
                    failure = $"{(int)response.StatusCode} {body}";
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return new PollResults(answered, tolerated, states, failures);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
                {
                    failure = e.Message;
                }
                if (disturbed || _disturbed == node.Index)
                    tolerated++;
                else
                    failures.Enqueue($"{clock.ElapsedMilliseconds} ms: GET {key} on {node} (restarting: node {_disturbed}): {failure}");
            }
            if (!gotAnswer)
                failures.Enqueue($"{clock.ElapsedMilliseconds} ms: no node answered for {key}");
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return new PollResults(answered, tolerated, states, failures);
    }
}
