using System.Collections.Concurrent;

namespace Janus.Actors.Fixtures;

/// <summary>What Janus itself said about one of its sessions, through its event handler.</summary>
public sealed record WitnessedEvent(string Server, long SessionId, string Name, DateTime At);

/// <summary>
/// Janus as the independent witness: its sample event handler posts every session created, destroyed and timed out
/// (and every handle attached and detached) to this receiver, one JSON object per POST, tagged with the server it
/// came from by the path. The checker holds the host's word against what is recorded here and against each Janus's
/// Admin API, never against the host's own logs.
/// </summary>
public sealed class JanusWitness : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<WitnessedEvent> _events = new();
    private readonly ConcurrentDictionary<(string Server, long SessionId), string> _ended = new();
    private readonly ConcurrentDictionary<(string Server, long SessionId), DateTime> _lastAttach = new();
    private readonly ConcurrentDictionary<(string Server, long SessionId), DateTime> _createdAt = new();
    private readonly Task _receiving;
    private int _malformed;

    public JanusWitness()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _receiving = Task.Run(ReceiveAsync);
    }

    public int Port { get; }

    /// <summary>Events Janus posted that this receiver could not read (counted in the report; should stay 0).</summary>
    public int Malformed => _malformed;

    public IReadOnlyCollection<WitnessedEvent> Events => _events;

    /// <summary>The URL server <paramref name="server"/>'s event handler posts to.</summary>
    public Uri UrlFor(string server) => new($"http://127.0.0.1:{Port}/{server}");

    /// <summary>How Janus said the session ended (<c>destroyed</c> or <c>timeout</c>), or null when it said nothing.</summary>
    public string? EndOf(string server, long sessionId) => _ended.GetValueOrDefault((server, sessionId));

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var server = context.Request.Url!.AbsolutePath.Trim('/');
            try
            {
                using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
                foreach (var element in body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement.EnumerateArray() : Enumerable.Repeat(body.RootElement, 1))
                    Record(server, element);
            }
            catch (JsonException)
            {
                Interlocked.Increment(ref _malformed);
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    /// <summary>When Janus said it created the session, or null when it did not say.</summary>
    public DateTime? CreatedAt(string server, long sessionId) => _createdAt.TryGetValue((server, sessionId), out var at) ? at : null;

    /// <summary>When a handle was last attached to the session, by anyone, or null: a session nobody should use is not used.</summary>
    public DateTime? LastAttachTo(string server, long sessionId) => _lastAttach.TryGetValue((server, sessionId), out var at) ? at : null;

    private void Record(string server, JsonElement element)
    {
        // type 1: a session event, {"session_id":N,"event":{"name":"created"|"destroyed"|"timeout",…}};
        // type 2: a handle event, {"session_id":N,"handle_id":H,"event":{"name":"attached"|"detached",…}}.
        if (!element.TryGetProperty("type", out var type) || type.GetInt32() is not (1 or 2)
            || !element.TryGetProperty("session_id", out var id) || !element.TryGetProperty("event", out var e)
            || !e.TryGetProperty("name", out var name))
            return;
        if (type.GetInt32() == 2)
        {
            if (name.GetString() == "attached") _lastAttach[(server, id.GetInt64())] = DateTime.UtcNow;
            return;
        }
        var witnessed = new WitnessedEvent(server, id.GetInt64(), name.GetString() ?? "", DateTime.UtcNow);
        _events.Enqueue(witnessed);
        if (witnessed.Name == "created") _createdAt[(server, witnessed.SessionId)] = witnessed.At;
        if (witnessed.Name is "destroyed" or "timeout")
            _ended[(server, witnessed.SessionId)] = witnessed.Name;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _receiving;
    }
}
