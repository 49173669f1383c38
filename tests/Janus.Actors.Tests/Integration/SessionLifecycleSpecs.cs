namespace Janus.Actors.Tests.Integration;

/// <summary>The session API end to end against a real Janus and a real SQLite journal, over both transports.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class SessionLifecycleSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TestJournal _journal = new();
    private readonly JanusAdminClient _admin = janus.Server.CreateAdminClient();

    private JanusOptions Options => new() { WebSocketUrl = janus.Server.WebSocketUrl, RestUrl = janus.Server.RestUrl };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData(JanusTransportKind.WebSocket)]
    [InlineData(JanusTransportKind.Rest)]
    public async Task Create_attach_message_detach_and_destroy_reach_Janus(JanusTransportKind transport)
    {
        await using var app = await InProcessSessions.StartAsync(Options, _journal.File);

        var session = await app.Sessions.CreateAsync("call-1", transport);
        Assert.Equal(JanusSessionStatus.Active, session.State);
        Assert.Equal(transport, session.Transport);
        var janusId = session.JanusSessionId!.Value;
        Assert.Contains(janusId, await _admin.ListSessionsAsync());

        var handle = await app.Sessions.AttachAsync("call-1", "janus.plugin.echotest");
        Assert.Contains(handle, await _admin.ListHandlesAsync(janusId));
        Assert.Equal([new JanusHandle(handle, "janus.plugin.echotest", null)], (await app.Sessions.GetAsync("call-1"))!.Handles);

        var reply = await app.Sessions.SendAsync("call-1", handle, Json("""{"audio":true}"""));
        Assert.Equal("ok", reply.PluginData!.Value.GetProperty("data").GetProperty("result").GetString());

        await app.Sessions.DetachAsync("call-1", handle);
        Assert.DoesNotContain(handle, await _admin.ListHandlesAsync(janusId));
        Assert.Empty((await app.Sessions.GetAsync("call-1"))!.Handles);

        await app.Sessions.DestroyAsync("call-1");
        Assert.DoesNotContain(janusId, await _admin.ListSessionsAsync());
        await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Destroyed, Patience, "the destroyed state");
    }

    [Fact]
    public async Task A_session_created_by_another_client_is_adopted_with_its_id()
    {
        await using var raw = await janus.Server.ConnectRawClientAsync();
        var janusId = await raw.CreateSessionAsync();
        await using var app = await InProcessSessions.StartAsync(Options, _journal.File);

        var adopted = await app.Sessions.CreateAsync("adopted", JanusTransportKind.WebSocket, adoptJanusSessionId: janusId);

        Assert.Equal(janusId, adopted.JanusSessionId);
        Assert.Equal(JanusSessionStatus.Active, adopted.State);
        var handle = await app.Sessions.AttachAsync("adopted", "janus.plugin.echotest");
        Assert.Contains(handle, await _admin.ListHandlesAsync(janusId));
    }

    [Fact]
    public async Task Adopting_an_unknown_id_fails_with_458_and_leaves_no_session()
    {
        await using var app = await InProcessSessions.StartAsync(Options, _journal.File);

        var failure = await Assert.ThrowsAsync<JanusSessionReclaimException>(() =>
            app.Sessions.CreateAsync("ghost", JanusTransportKind.WebSocket, adoptJanusSessionId: 4_503_599_627_370_495));

        Assert.Equal(458, failure.JanusCode);
        Assert.True(failure.IsFinal);
        Assert.Equal("ghost", failure.SessionKey);
        await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("ghost"), s => s is null, Patience, "the key to be free again");
    }

    [Fact]
    public async Task A_second_create_with_the_same_key_is_refused()
    {
        await using var app = await InProcessSessions.StartAsync(Options, _journal.File);
        await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket);

        await Assert.ThrowsAsync<JanusSessionExistsException>(() => app.Sessions.CreateAsync("call-1", JanusTransportKind.Rest));
    }

    [Fact]
    public async Task Create_or_resume_creates_on_the_first_start_and_resumes_the_same_Janus_session_on_the_next()
    {
        long janusId;
        await using (var first = await InProcessSessions.StartAsync(Options, _journal.File))
        {
            var (created, isNew) = await first.Sessions.CreateOrResumeAsync("call-1", JanusTransportKind.WebSocket);
            Assert.True(isNew);
            Assert.Equal(JanusSessionStatus.Active, created.State);
            janusId = created.JanusSessionId!.Value;
        }

        await using var second = await InProcessSessions.StartAsync(Options, _journal.File);
        var (resumed, isNewAgain) = await second.Sessions.CreateOrResumeAsync("call-1", JanusTransportKind.WebSocket);

        Assert.False(isNewAgain);
        Assert.Equal(janusId, resumed.JanusSessionId);
        await Eventually.ReturnsAsync(() => second.Sessions.GetAsync("call-1"), s => s?.State == JanusSessionStatus.Active, Patience, "the session reclaimed");
        Assert.Contains(janusId, await _admin.ListSessionsAsync());
        Assert.Single(await second.Sessions.ListAsync());
    }

    public void Dispose()
    {
        _admin.Dispose();
        _journal.Dispose();
    }
}
