using System.Collections.Concurrent;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// The promise at a size a real node holds: 2,000 WebSocket sessions on the shared connections of one host, SIGKILLed
/// and started again. Every session comes back with its Janus id, Janus keeps every one past its session_timeout (so
/// each resumed its keep-alives with the right id), and a sample of echotest handles answers.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class ManySessionsCrashSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Sessions = 2_000;
    private const int Sampled = 20;
    private const int SessionTimeoutSeconds = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly JanusServer _janus = new(new JanusServerOptions
    {
        SessionTimeoutSeconds = SessionTimeoutSeconds,
        ReclaimSessionTimeoutSeconds = 30,
        FileDescriptorLimit = 20_000,
    });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    [Fact]
    public async Task Two_thousand_WebSocket_sessions_survive_a_SIGKILL_of_the_host()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString(),
            ["Journal:Provider"] = "sqlite",
        });
        await host.StartAsync();
        var created = new ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Sessions), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var key = $"line-{i:D4}";
            using var response = await host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"websocket"}""");
            created[key] = (await host.ReadJsonAsync(response, HttpStatusCode.Created)).GetProperty("janusSessionId").GetInt64();
        });
        var handles = new Dictionary<string, long>();
        foreach (var key in created.Keys.Order().Take(Sampled))
        {
            using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", """{"plugin":"janus.plugin.echotest"}""");
            handles[key] = (await host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
        }

        await host.KillAsync();
        var killedAt = DateTime.UtcNow;
        await host.StartAsync();

        await Eventually.ReturnsAsync(async () =>
            {
                using var counts = await host.Http.GetAsync("v1/session-counts");
                return (await host.ReadJsonAsync(counts, HttpStatusCode.OK)).GetProperty("states");
            },
            states => states.GetProperty("active").GetInt32() == Sessions || states.GetProperty("lost").GetInt32() > 0,
            Patience, "every session active again");
        output.WriteLine($"All {Sessions} sessions active {(DateTime.UtcNow - killedAt).TotalMilliseconds:F0} ms after SIGKILL");
        using (var listed = await host.Http.GetAsync("v1/sessions"))
        {
            var sessions = (await host.ReadJsonAsync(listed, HttpStatusCode.OK)).EnumerateArray().ToList();
            Assert.Equal(Sessions, sessions.Count);
            foreach (var session in sessions)
            {
                var key = session.GetProperty("key").GetString()!;
                Assert.Equal("active", session.GetProperty("state").GetString());
                Assert.Equal(created[key], session.GetProperty("janusSessionId").GetInt64());
                Assert.Equal(1, session.GetProperty("reclaims").GetInt32());
            }
        }

        // Past twice Janus's session_timeout (plus its timer slack): only keep-alives with the right ids keep them.
        using var admin = _janus.CreateAdminClient();
        var watchUntil = DateTime.UtcNow.AddSeconds(2 * SessionTimeoutSeconds + 4);
        while (DateTime.UtcNow < watchUntil)
        {
            var alive = (await admin.ListSessionsAsync()).ToHashSet();
            var missing = created.Where(s => !alive.Contains(s.Value)).Select(s => s.Key).ToList();
            Assert.True(missing.Count == 0, $"Janus dropped {missing.Count} sessions, e.g. {string.Join(", ", missing.Take(5))}. Host log:\n{host.LogTail()}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        foreach (var (key, handle) in handles)
            await host.AssertEchoAsync(key, handle);
    }
}
