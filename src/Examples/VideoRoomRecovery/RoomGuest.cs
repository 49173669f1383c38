using System.Text.Json;
using System.Text.Json.Nodes;
using Janus.Actors.Fixtures;
using Janus.Actors.Protocol;

namespace VideoRoomRecovery;

/// <summary>
/// Another participant of the room, played by the demo over a bare Janus WebSocket (as a browser's janus.js would
/// be): its own Janus session, one videoroom handle, joined as a publisher without media.
/// </summary>
public sealed class RoomGuest : IAsyncDisposable
{
    private readonly RawJanusClient _client;
    private readonly long _session;
    private readonly long _handle;

    private RoomGuest(RawJanusClient client, long session, long handle, string display, long id)
    {
        _client = client;
        _session = session;
        _handle = handle;
        Display = display;
        Id = id;
    }

    public string Display { get; }

    /// <summary>The participant id the videoroom gave this guest.</summary>
    public long Id { get; }

    public static async Task<RoomGuest> JoinAsync(JanusServer janus, long room, string display)
    {
        var client = await janus.ConnectRawClientAsync();
        var session = await client.CreateSessionAsync();
        var handle = await client.AttachAsync(session, "janus.plugin.videoroom");
        var joined = await AsyncEventAsync(client, session, handle, new JsonObject { ["request"] = "join", ["ptype"] = "publisher", ["room"] = room, ["display"] = display });
        var id = joined.TryGetProperty("id", out var given) ? given.GetInt64() : throw new InvalidOperationException($"{display} could not join: {joined}");
        return new RoomGuest(client, session, handle, display, id);
    }

    /// <summary>Leaves the room (others get a <c>leaving</c> event) and waits for the plugin to confirm.</summary>
    public Task LeaveAsync() => AsyncEventAsync(_client, _session, _handle, new JsonObject { ["request"] = "leave" });

    /// <summary>Who is in the room now, by display name, as Janus sees it.</summary>
    public async Task<IReadOnlyList<(long Id, string Display)>> ListParticipantsAsync(long room)
    {
        var reply = await _client.RequestAsync(JanusRequests.Message(_client.NewTransaction(), _session, _handle,
            Body(new JsonObject { ["request"] = "listparticipants", ["room"] = room })));
        return DataOf(reply).GetProperty("participants").EnumerateArray()
            .Select(p => (p.GetProperty("id").GetInt64(), p.TryGetProperty("display", out var display) ? display.GetString() ?? "" : ""))
            .OrderBy(p => p.Item2, StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    /// <summary>Sends an asynchronous plugin request and returns the plugin's answer (the event after the ack).</summary>
    private static async Task<JsonElement> AsyncEventAsync(RawJanusClient client, long session, long handle, JsonObject body)
    {
        var transaction = client.NewTransaction();
        var first = await client.RequestAsync(JanusRequests.Message(transaction, session, handle, Body(body)));
        if (first.Janus == JanusMessageKinds.Event)
            return DataOf(first); // the event overtook the ack
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await client.Events.ReadAsync(patience.Token);
            if (message.Transaction == transaction && message.Janus == JanusMessageKinds.Event)
                return DataOf(message);
        }
    }

    private static JsonElement Body(JsonObject body) => JsonDocument.Parse(body.ToJsonString()).RootElement;

    /// <summary>The plugin's answer, as a browser reads it: <c>plugindata.data</c>.</summary>
    private static JsonElement DataOf(JanusMessage message) => message.PluginData!.Value.GetProperty("data");
}
