using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Host;

/// <summary>
/// Only Janus says a session is gone. A host frozen with SIGSTOP (a VM pause, a long stall) comes back to timers that
/// are all late; that lateness is its own and must never end a session Janus still holds. Past Janus's session_timeout
/// the sessions are gone, and Janus's own answer (458) says so.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class FrozenHostSpecs(ITestOutputHelper output) : IAsyncLifetime
{
    private const int SessionTimeoutSeconds = 20;
    private const int ReclaimTimeoutSeconds = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly JanusServer _janus = new(new JanusServerOptions
    {
        SessionTimeoutSeconds = SessionTimeoutSeconds,
        ReclaimSessionTimeoutSeconds = ReclaimTimeoutSeconds,
    });

    public Task InitializeAsync() => _janus.StartAsync();

    public async Task DisposeAsync() => await _janus.DisposeAsync();

    [Fact]
    public async Task A_host_frozen_past_the_reclaim_window_while_Janus_keeps_its_sessions_carries_on_with_every_one()
    {
        await using var host = await StartHostAsync();
        var before = await CreateSessionsAsync(host);

        await FreezeAsync(host, TimeSpan.FromSeconds(ReclaimTimeoutSeconds + 5));

        var after = await Eventually.ReturnsAsync(() => ListAsync(host),
            sessions => sessions.All(s => s.State == "active") || sessions.Any(s => s.State == "lost"), Patience, "every session active after the freeze");
        Assert.All(after, s => Assert.Equal(("active", before[s.Key].JanusId), (s.State, s.JanusSessionId)));
        using var admin = _janus.CreateAdminClient();
        Assert.Superset(before.Values.Select(v => v.JanusId).ToHashSet(), (await admin.ListSessionsAsync()).ToHashSet());
        foreach (var (key, (_, handle)) in before)
            await host.AssertEchoAsync(key, handle);
    }

    [Fact]
    public async Task A_host_frozen_past_the_session_timeout_learns_from_Janus_that_its_sessions_are_gone()
    {
        await using var host = await StartHostAsync();
        var before = await CreateSessionsAsync(host);

        // Janus's watchdog runs up to a few seconds late: past its session_timeout with room to spare.
        await FreezeAsync(host, TimeSpan.FromSeconds(SessionTimeoutSeconds + 8));

        var after = await Eventually.ReturnsAsync(() => ListAsync(host),
            sessions => sessions.All(s => s.State == "lost"), Patience, "every session lost after the freeze");
        Assert.All(after, s => Assert.Equal(458, s.LastErrorCode));
        using var admin = _janus.CreateAdminClient();
        Assert.Empty((await admin.ListSessionsAsync()).Intersect(before.Values.Select(v => v.JanusId)));
        output.WriteLine(string.Join("\n", after.Select(s => $"{s.Key}: {s.LastErrorCode} {s.LastErrorReason}")));
    }

    private async Task<HostProcess> StartHostAsync()
    {
        var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = _janus.WebSocketUrl.ToString(),
            ["Janus:RestUrl"] = _janus.RestUrl.ToString(),
        });
        await host.StartAsync();
        return host;
    }

    private async Task FreezeAsync(HostProcess host, TimeSpan pause)
    {
        host.Freeze();
        var frozen = Stopwatch.StartNew();
        // The length of the freeze is part of the scenario, not a wait for anything. Thawed from a thread of its own: on
        // a busy machine the test runner's threads can be late by many seconds, and a longer freeze is another scenario.
        await Task.Factory.StartNew(() =>
        {
            Thread.Sleep(pause);
            host.Thaw();
        }, TaskCreationOptions.LongRunning);
        output.WriteLine($"frozen for {frozen.ElapsedMilliseconds} ms");
    }

    private static async Task<Dictionary<string, (long JanusId, long Handle)>> CreateSessionsAsync(HostProcess host)
    {
        var created = new Dictionary<string, (long, long)>();
        foreach (var (key, transport) in new[] { ("ws-1", "websocket"), ("ws-2", "websocket"), ("rest-1", "rest"), ("rest-2", "rest") })
            created[key] = await host.CreateWithEchoHandleAsync(key, transport);
        return created;
    }

    private sealed record Listed(string Key, long? JanusSessionId, string State, int? LastErrorCode, string? LastErrorReason);

    private static async Task<IReadOnlyList<Listed>> ListAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("v1/sessions");
        return (await host.ReadJsonAsync(response, HttpStatusCode.OK)).EnumerateArray().Select(s => new Listed(
            s.GetProperty("key").GetString()!,
            s.GetProperty("janusSessionId").ValueKind == JsonValueKind.Number ? s.GetProperty("janusSessionId").GetInt64() : null,
            s.GetProperty("state").GetString()!,
            s.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } e && e.GetProperty("code").ValueKind == JsonValueKind.Number ? e.GetProperty("code").GetInt32() : null,
            s.GetProperty("lastError") is { ValueKind: JsonValueKind.Object } r ? r.GetProperty("reason").GetString() : null)).ToList();
    }
}
