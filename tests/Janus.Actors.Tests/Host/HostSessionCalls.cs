namespace Janus.Actors.Tests.Host;

/// <summary>The API calls the host specs make again and again, against a running <see cref="HostProcess"/>.</summary>
internal static class HostSessionCalls
{
    /// <summary>Creates a session and attaches an echotest handle to it; returns both Janus ids.</summary>
    public static async Task<(long JanusId, long HandleId)> CreateWithEchoHandleAsync(this HostProcess host, string key, string transport)
    {
        using var created = await host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"{{transport}}"}""");
        var session = await host.ReadJsonAsync(created, HttpStatusCode.Created);
        using var attached = await host.PostJsonAsync($"v1/sessions/{key}/handles", """{"plugin":"janus.plugin.echotest"}""");
        var handle = await host.ReadJsonAsync(attached, HttpStatusCode.Created);
        return (session.GetProperty("janusSessionId").GetInt64(), handle.GetProperty("handleId").GetInt64());
    }

    /// <summary>The echotest on the handle answers a message through the host: the session works end to end.</summary>
    public static async Task AssertEchoAsync(this HostProcess host, string key, long handleId)
    {
        using var response = await host.PostJsonAsync($"v1/sessions/{key}/handles/{handleId}/messages", """{"body":{"audio":true}}""");
        var reply = await host.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("ok", reply.GetProperty("plugindata").GetProperty("data").GetProperty("result").GetString());
    }
}
