
namespace Janus.Actors.Fixtures;

/// <summary>
/// One host process of a <see cref="ClusterOfHosts"/>: its cluster address (<c>127.0.0.1:{akka port}</c>, as sessions
/// name their node) and the HTTP API every node serves. The Akka.Remote port stays the same across restarts, so a
/// restarted node is a new incarnation of the same address.
/// </summary>
public sealed class ClusterNode(int index, int clusterPort, HostProcess host) : IAsyncDisposable
{
    /// <summary>0-based position in the cluster; nodes 0 and 1 are the seeds.</summary>
    public int Index { get; } = index;

    public int ClusterPort { get; } = clusterPort;

    /// <summary>This node as the API names it (<c>node</c> of a session, <c>self</c> of <c>/v1/cluster</c>).</summary>
    public string Address => $"127.0.0.1:{ClusterPort}";

    public HostProcess Host { get; } = host;

    /// <summary>True while its process runs (started and neither killed nor stopped).</summary>
    public bool IsRunning => !Host.HasExited;

    /// <summary><c>GET /v1/cluster</c> of this node.</summary>
    public async Task<ClusterView> ClusterViewAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Host.Http.GetAsync("v1/cluster", cancellationToken);
        return ClusterView.Parse(await Host.ReadJsonAsync(response, HttpStatusCode.OK));
    }

    /// <summary><c>GET /v1/sessions</c>: every session of the whole cluster.</summary>
    public async Task<IReadOnlyList<SessionView>> ListSessionsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Host.Http.GetAsync("v1/sessions", cancellationToken);
        return SessionView.ParseList(await Host.ReadJsonAsync(response, HttpStatusCode.OK));
    }

    /// <summary><c>GET /v1/sessions/{key}</c>; throws unless it answers 200.</summary>
    public async Task<SessionView> GetSessionAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await Host.Http.GetAsync($"v1/sessions/{Uri.EscapeDataString(key)}", cancellationToken);
        return SessionView.Parse(await Host.ReadJsonAsync(response, HttpStatusCode.OK));
    }

    /// <summary>Creates a session through this node and attaches an echotest handle to it (through this node too).</summary>
    public async Task<CreatedSession> CreateWithEchoHandleAsync(string key, string transport)
    {
        using var created = await Host.PostJsonAsync("v1/sessions", $$"""{"key":"{{key}}","transport":"{{transport}}"}""");
        var session = SessionView.Parse(await Host.ReadJsonAsync(created, HttpStatusCode.Created));
        using var attached = await Host.PostJsonAsync($"v1/sessions/{Uri.EscapeDataString(key)}/handles", """{"plugin":"janus.plugin.echotest"}""");
        var handle = await Host.ReadJsonAsync(attached, HttpStatusCode.Created);
        return new CreatedSession(key, transport, session.JanusSessionId ?? throw new InvalidOperationException($"{key} was created without a Janus id: {session}"),
            handle.GetProperty("handleId").GetInt64(), session.Node);
    }

    /// <summary>Sends echotest <c>{"audio":true}</c> through this node; returns the plugin's <c>result</c> ("ok").</summary>
    public async Task<string?> EchoAsync(string key, long handleId, CancellationToken cancellationToken = default)
    {
        using var response = await Host.PostJsonAsync($"v1/sessions/{Uri.EscapeDataString(key)}/handles/{handleId}/messages", """{"body":{"audio":true}}""");
        var reply = await Host.ReadJsonAsync(response, HttpStatusCode.OK);
        return reply.GetProperty("plugindata").GetProperty("data").TryGetProperty("result", out var result) ? result.ToString() : reply.GetRawText();
    }

    /// <summary><c>GET /readyz</c> answers 200 (an Up member, journal and Janus reachable).</summary>
    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Host.Http.GetAsync("readyz");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The raw JSON of <c>GET {path}</c>, for failure messages; never throws.</summary>
    public async Task<string> DescribeAsync(string path)
    {
        try
        {
            using var response = await Host.Http.GetAsync(path);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return e.Message;
        }
    }

    public override string ToString() => $"node {Index} ({Address}, http {Host.Port}{(IsRunning ? "" : ", down")})";

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
