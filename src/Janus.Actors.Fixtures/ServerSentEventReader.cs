namespace Janus.Actors.Fixtures;

/// <summary>Reads a <c>text/event-stream</c> response: one <see cref="ServerSentEvent"/> per blank-line-terminated block.</summary>
public sealed class ServerSentEventReader(HttpClient client, HttpResponseMessage response, Stream stream) : IAsyncDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event (comments skipped), or null when the stream ended. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task<ServerSentEvent?> ReadAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        string? name = null, id = null;
        var data = new StringBuilder();
        try
        {
            while (await _reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0 || name is not null)
                        return new ServerSentEvent(name ?? "message", data.ToString(), id);
                    continue;
                }
                if (line.StartsWith(':'))
                    continue;
                var colon = line.IndexOf(':');
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                if (field == "event")
                    name = value;
                else if (field == "id")
                    id = value;
                else if (field == "data")
                    data.Append(data.Length > 0 ? "\n" : "").Append(value);
            }
            return null;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No server-sent event within {timeout.TotalSeconds} s");
        }
    }

    /// <summary>Reads until an event named <paramref name="name"/> arrives (others are skipped).</summary>
    public async Task<ServerSentEvent> ReadUntilAsync(string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var next = await ReadAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1))
                       ?? throw new InvalidOperationException($"The event stream ended before a '{name}' event");
            if (next.Name == name)
                return next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await stream.DisposeAsync();
        response.Dispose();
        client.Dispose();
    }
}

public sealed record ServerSentEvent(string Name, string Data, string? Id = null)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
}
