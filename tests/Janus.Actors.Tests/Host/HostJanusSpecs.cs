namespace Janus.Actors.Tests.Host;

/// <summary>
/// The HTTP API end to end: the real host process in front of a real Janus (one per test class). Each test runs its
/// own host (own temp directory, journal and port) and uses its own session keys.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostJanusSpecs(JanusFixture janus) : IClassFixture<JanusFixture>, IAsyncLifetime
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private HostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Janus:RestUrl"] = janus.Server.RestUrl.ToString(),
            ["Api:Token"] = "end-to-end-token",
        });
        await _host.StartAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("websocket")]
    [InlineData("rest")]
    public async Task A_session_is_created_read_listed_used_and_destroyed_over_http(string transport)
    {
        var key = $"call-{transport}-{Guid.NewGuid():N}";

        // create
        using var created = await _host.PostJsonAsync("v1/sessions", new { key, transport });
        var session = await _host.ReadJsonAsync(created, HttpStatusCode.Created);
        Assert.Equal($"/v1/sessions/{key}", created.Headers.Location?.OriginalString);
        Assert.Equal(key, session.GetProperty("key").GetString());
        var janusSessionId = session.GetProperty("janusSessionId").GetInt64();
        Assert.True(janusSessionId > 0);
        Assert.Equal("active", session.GetProperty("state").GetString());
        Assert.Equal(transport, session.GetProperty("transport").GetString());
        Assert.Empty(session.GetProperty("handles").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("lastError").ValueKind);
        Assert.Equal(0, session.GetProperty("reclaims").GetInt32());
        using (var admin = janus.Server.CreateAdminClient())
            Assert.Contains(janusSessionId, await admin.ListSessionsAsync());

        // the key is taken
        using var again = await _host.PostJsonAsync("v1/sessions", new { key, transport });
        await _host.ReadJsonAsync(again, HttpStatusCode.Conflict);

        // attach echotest
        using var attached = await _host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
        var handleId = (await _host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
        Assert.True(handleId > 0);

        // read and list
        using var read = await _host.Http.GetAsync($"v1/sessions/{key}");
        session = await _host.ReadJsonAsync(read, HttpStatusCode.OK);
        Assert.Equal(janusSessionId, session.GetProperty("janusSessionId").GetInt64());
        var handle = Assert.Single(session.GetProperty("handles").EnumerateArray());
        Assert.Equal(handleId, handle.GetProperty("handleId").GetInt64());
        Assert.Equal("janus.plugin.echotest", handle.GetProperty("plugin").GetString());
        using var listed = await _host.Http.GetAsync("v1/sessions");
        Assert.Contains((await _host.ReadJsonAsync(listed, HttpStatusCode.OK)).EnumerateArray(), s => s.GetProperty("key").GetString() == key);

        // a plugin message and its answer
        using var answered = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages", new { body = new { audio = true } });
        var reply = await _host.ReadJsonAsync(answered, HttpStatusCode.OK);
        Assert.Equal("janus.plugin.echotest", reply.GetProperty("plugindata").GetProperty("plugin").GetString());
        Assert.Equal("ok", reply.GetProperty("plugindata").GetProperty("data").GetProperty("result").GetString());

        // an ICE candidate, end of candidates, hangup: Janus takes them (no PeerConnection yet: nothing to hang up)
        using var trickled = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/trickle",
            new { candidate = new { candidate = "candidate:1 1 udp 2130706431 192.0.2.1 50000 typ host", sdpMid = "0", sdpMLineIndex = 0 } });
        Assert.Equal(HttpStatusCode.NoContent, trickled.StatusCode);
        using var completed = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/trickle", new { candidate = new { completed = true } });
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        using var hungUp = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/hangup", "{}");
        Assert.Equal(HttpStatusCode.NoContent, hungUp.StatusCode);

        // detach: gone from Janus and from the session
        using var detached = await _host.Http.DeleteAsync($"v1/sessions/{key}/handles/{handleId}");
        Assert.Equal(HttpStatusCode.NoContent, detached.StatusCode);
        using (var admin = janus.Server.CreateAdminClient())
            Assert.DoesNotContain(handleId, await admin.ListHandlesAsync(janusSessionId));
        using var afterDetach = await _host.Http.GetAsync($"v1/sessions/{key}");
        Assert.Empty((await _host.ReadJsonAsync(afterDetach, HttpStatusCode.OK)).GetProperty("handles").EnumerateArray());

        // destroy: gone from Janus, shown as destroyed here
        using var destroyed = await _host.Http.DeleteAsync($"v1/sessions/{key}");
        Assert.Equal(HttpStatusCode.NoContent, destroyed.StatusCode);
        using (var admin = janus.Server.CreateAdminClient())
            Assert.DoesNotContain(janusSessionId, await admin.ListSessionsAsync());
        using var afterDestroy = await _host.Http.GetAsync($"v1/sessions/{key}");
        Assert.Equal("destroyed", (await _host.ReadJsonAsync(afterDestroy, HttpStatusCode.OK)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Janus_refusing_an_attach_is_a_502_with_its_code_and_reason()
    {
        var key = $"call-{Guid.NewGuid():N}";
        using var created = await _host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
        await _host.ReadJsonAsync(created, HttpStatusCode.Created);

        using var refused = await _host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.nosuchplugin" });

        // An RFC 9457 problem, Janus's code and reason as its extensions.
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var error = await _host.ReadJsonAsync(refused, HttpStatusCode.BadGateway);
        Assert.Equal(502, error.GetProperty("status").GetInt32());
        Assert.Equal("Bad Gateway", error.GetProperty("title").GetString());
        Assert.Contains("Janus refused", error.GetProperty("detail").GetString());
        Assert.Equal(460, error.GetProperty("janusCode").GetInt32()); // JANUS_ERROR_PLUGIN_NOT_FOUND
        Assert.False(string.IsNullOrEmpty(error.GetProperty("janusReason").GetString()));
    }

    [Fact]
    public async Task Adopting_a_session_janus_does_not_have_is_a_502_with_code_458()
    {
        using var refused = await _host.PostJsonAsync("v1/sessions", new { key = $"adopt-{Guid.NewGuid():N}", transport = "websocket", adoptJanusSessionId = 4242424242L });

        var error = await _host.ReadJsonAsync(refused, HttpStatusCode.BadGateway);
        Assert.Equal(458, error.GetProperty("janusCode").GetInt32());
    }

    [Fact]
    public async Task The_event_stream_carries_plugin_events_and_ends_with_the_session()
    {
        var key = $"call-{Guid.NewGuid():N}";
        using var created = await _host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
        await _host.ReadJsonAsync(created, HttpStatusCode.Created);
        using var attached = await _host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
        var handleId = (await _host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
        await using var events = await _host.OpenEventsAsync(key);

        using var answered = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages", new { body = new { audio = true } });
        await _host.ReadJsonAsync(answered, HttpStatusCode.OK);

        var janusEvent = (await events.ReadUntilAsync("janus-event", EventTimeout)).Json;
        Assert.Equal(key, janusEvent.GetProperty("key").GetString());
        Assert.Equal("event", janusEvent.GetProperty("event").GetProperty("janus").GetString());
        Assert.Equal(handleId, janusEvent.GetProperty("event").GetProperty("sender").GetInt64());

        using var destroyed = await _host.Http.DeleteAsync($"v1/sessions/{key}");
        Assert.Equal(HttpStatusCode.NoContent, destroyed.StatusCode);
        var ended = (await events.ReadUntilAsync("ended", EventTimeout)).Json;
        Assert.Equal("destroyed", ended.GetProperty("state").GetString());
        Assert.Null(await events.ReadAsync(EventTimeout)); // the stream closes after "ended"

        // A stream opened on an ended session says so at once and closes.
        await using var late = await _host.OpenEventsAsync(key);
        Assert.Equal("destroyed", (await late.ReadUntilAsync("ended", EventTimeout)).Json.GetProperty("state").GetString());
        Assert.Null(await late.ReadAsync(EventTimeout));
    }

    [Fact]
    public async Task A_stream_that_reconnects_with_Last_Event_ID_gets_what_it_missed_and_nothing_twice()
    {
        var key = $"call-{Guid.NewGuid():N}";
        using var created = await _host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
        await _host.ReadJsonAsync(created, HttpStatusCode.Created);
        using var attached = await _host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.echotest" });
        var handleId = (await _host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
        async Task EchoAsync()
        {
            using var answered = await _host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages", new { body = new { audio = true } });
            await _host.ReadJsonAsync(answered, HttpStatusCode.OK);
        }

        string firstId;
        await using (var events = await _host.OpenEventsAsync(key))
        {
            await EchoAsync();
            firstId = (await events.ReadUntilAsync("janus-event", EventTimeout)).Id ?? throw new InvalidOperationException("an event without id");
        }
        // The caller is gone (a dropped connection, a restarted browser tab) while the plugin says something.
        await EchoAsync();

        await using var resumed = await _host.OpenEventsAsync(key, lastEventId: firstId);
        var missed = await resumed.ReadUntilAsync("janus-event", EventTimeout);
        Assert.Equal(handleId, missed.Json.GetProperty("event").GetProperty("sender").GetInt64());
        var (stream, sequence) = (firstId[..firstId.LastIndexOf(':')], long.Parse(firstId[(firstId.LastIndexOf(':') + 1)..]));
        Assert.Equal($"{stream}:{sequence + 1}", missed.Id); // the next one: not the first again, none skipped
        await EchoAsync();
        Assert.Equal($"{stream}:{sequence + 2}", (await resumed.ReadUntilAsync("janus-event", EventTimeout)).Id); // then live

        // An id the host does not have (another session's, a forgotten one): the stream says events may have been missed.
        await using var unknown = await _host.OpenEventsAsync(key, lastEventId: "0123456789abcdef:7");
        var gap = await unknown.ReadAsync(EventTimeout);
        Assert.Equal("missed", gap!.Name);
        Assert.True(gap.Json.GetProperty("eventsMayHaveBeenMissed").GetBoolean());
    }

    [Fact]
    public async Task Ready_when_the_journal_and_janus_answer_with_what_janus_reported()
    {
        var ready = await _host.WaitForReadyAsync();

        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var server = ready.GetProperty("janus");
        Assert.StartsWith("1.", server.GetProperty("version").GetString());
        Assert.Equal(JanusFixture.SessionTimeoutSeconds, server.GetProperty("sessionTimeout").GetInt32());
        Assert.Equal(JanusFixture.ReclaimSessionTimeoutSeconds, server.GetProperty("reclaimSessionTimeout").GetInt32());
        Assert.Contains($"reclaim_session_timeout {JanusFixture.ReclaimSessionTimeoutSeconds} s", _host.Log()); // said at start-up too
    }

    [Fact]
    public async Task Readiness_asks_janus_over_websocket_when_no_rest_url_is_set()
    {
        await using var host = new HostProcess(new Dictionary<string, string?> { ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString() });
        await host.StartAsync();

        var ready = await host.WaitForReadyAsync();

        Assert.Equal(JanusFixture.ReclaimSessionTimeoutSeconds, ready.GetProperty("janus").GetProperty("reclaimSessionTimeout").GetInt32());
    }

    [Fact]
    public async Task A_graceful_stop_keeps_the_janus_session_and_the_next_start_reclaims_it()
    {
        var key = $"call-{Guid.NewGuid():N}";
        using var created = await _host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" });
        var janusSessionId = (await _host.ReadJsonAsync(created, HttpStatusCode.Created)).GetProperty("janusSessionId").GetInt64();
        // An open event stream must not hold the stop up.
        await using var events = await _host.OpenEventsAsync(key);

        var exitCode = await _host.StopAsync(TimeSpan.FromSeconds(20));

        Assert.True(exitCode == 0, $"exit code {exitCode}. Log tail:\n{_host.LogTail()}");
        using (var admin = janus.Server.CreateAdminClient())
            Assert.Contains(janusSessionId, await admin.ListSessionsAsync());

        await _host.StartAsync();
        // Active from its claim; counted as reclaimed once its handles are resynced.
        var session = await WaitForStateAsync(_host, key, "active", reclaimed: true);
        Assert.Equal(janusSessionId, session.GetProperty("janusSessionId").GetInt64());
        Assert.True(session.GetProperty("reclaims").GetInt32() >= 1, session.ToString());
    }

    [Fact]
    public async Task After_a_SIGKILL_the_event_stream_says_where_each_handle_stands_before_reclaimed()
    {
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Janus:AdminUrl"] = janus.Server.AdminUrl.ToString(),
            ["Janus:AdminSecret"] = janus.Server.Options.AdminSecret,
            ["Api:Token"] = "end-to-end-token",
        });
        await host.StartAsync();
        var key = $"member-{Guid.NewGuid():N}";
        var room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        using (var created = await host.PostJsonAsync("v1/sessions", new { key, transport = "websocket" }))
            await host.ReadJsonAsync(created, HttpStatusCode.Created);
        using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", new { plugin = "janus.plugin.videoroom" });
        var handleId = (await host.ReadJsonAsync(attached, HttpStatusCode.Created)).GetProperty("handleId").GetInt64();
        using (var createRoom = await host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages", new { body = new { request = "create", room } }))
            await host.ReadJsonAsync(createRoom, HttpStatusCode.OK);
        using (var join = await host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages",
                   new { body = new { request = "join", ptype = "publisher", room, display = "alice" } }))
            await host.ReadJsonAsync(join, HttpStatusCode.OK);

        await host.KillAsync();
        await host.StartAsync();
        await WaitForStateAsync(host, key, "active");
        await using var events = await host.OpenEventsAsync(key);

        var resynced = await events.ReadAsync(EventTimeout);
        Assert.Equal("handleResynced", resynced?.Name);
        Assert.Null(resynced!.Id); // it belongs to the reclaimed event after it
        Assert.Equal((key, handleId, "janus.plugin.videoroom", false), (resynced.Json.GetProperty("key").GetString(), resynced.Json.GetProperty("handleId").GetInt64(),
            resynced.Json.GetProperty("plugin").GetString(), resynced.Json.GetProperty("negotiated").GetBoolean()));
        Assert.Equal((room, "publisher"), (resynced.Json.GetProperty("state").GetProperty("room").GetInt64(), resynced.Json.GetProperty("state").GetProperty("type").GetString()));
        var roomEvent = await events.ReadAsync(EventTimeout); // the publisher's room, listed again
        Assert.Equal("roomResynced", roomEvent?.Name);
        Assert.Equal((handleId, room), (roomEvent!.Json.GetProperty("handleId").GetInt64(), roomEvent.Json.GetProperty("room").GetInt64()));
        Assert.Empty(roomEvent.Json.GetProperty("joined").EnumerateArray());
        Assert.True(roomEvent.Json.GetProperty("isMember").GetBoolean());
        var reclaimed = await events.ReadAsync(EventTimeout);
        Assert.Equal("reclaimed", reclaimed?.Name);
        Assert.True(reclaimed!.Json.GetProperty("eventsMayHaveBeenMissed").GetBoolean());
    }

    /// <summary>Polls <c>GET /v1/sessions/{key}</c> until it shows <paramref name="state"/> (and, if asked, a reclaim counted).</summary>
    private static async Task<JsonElement> WaitForStateAsync(HostProcess host, string key, string state, bool reclaimed = false)
    {
        var deadline = DateTime.UtcNow + EventTimeout;
        while (true)
        {
            using var response = await host.Http.GetAsync($"v1/sessions/{key}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var session = await host.ReadJsonAsync(response, HttpStatusCode.OK);
                if (session.GetProperty("state").GetString() == state && (!reclaimed || session.GetProperty("reclaims").GetInt32() >= 1))
                    return session;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"{key} is still {session}. Log tail:\n{host.LogTail()}");
            }
            else if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{key}: {(int)response.StatusCode}. Log tail:\n{host.LogTail()}");
            await Task.Delay(100);
        }
    }
}
