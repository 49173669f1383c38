using System.Text.Json;
using System.Text.Json.Nodes;
using Janus.Actors.Fixtures;
using Janus.Actors.Protocol;

namespace Janus.Actors.Examples;

/// <summary>A participant as a room's <c>listparticipants</c> names it.</summary>
public sealed record Listed(long Id, string Display, bool Muted);

/// <summary>
/// Another participant of a room, played by a demo over a bare Janus WebSocket (as a browser's janus.js would be): its
/// own Janus session and one handle, joined to a videoroom as a publisher without media or to an audiobridge.
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

    /// <summary>The participant id the room gave this guest.</summary>
    public long Id { get; }

    public static Task<RoomGuest> JoinVideoRoomAsync(JanusServer janus, long room, string display) =>
        JoinAsync(janus, "janus.plugin.videoroom", new JsonObject { ["request"] = "join", ["ptype"] = "publisher", ["room"] = room, ["display"] = display });

    public static Task<RoomGuest> JoinAudioBridgeAsync(JanusServer janus, long room, string display) =>
        JoinAsync(janus, "janus.plugin.audiobridge", new JsonObject { ["request"] = "join", ["room"] = room, ["display"] = display });

    private static async Task<RoomGuest> JoinAsync(JanusServer janus, string plugin, JsonObject join)
    {
        var display = join["display"]!.GetValue<string>();
        var client = await janus.ConnectRawClientAsync();
        var session = await client.CreateSessionAsync();
        var handle = await client.AttachAsync(session, plugin);
        var joined = await AsyncEventAsync(client, session, handle, join);
        var id = joined.TryGetProperty("id", out var given) ? given.GetInt64() : throw new InvalidOperationException($"{display} could not join: {joined}");
        return new RoomGuest(client, session, handle, display, id);
    }

    /// <summary>Leaves the room (others get a <c>leaving</c> event) and waits for the plugin to confirm.</summary>
    public Task LeaveAsync() => AsyncEventAsync(_client, _session, _handle, new JsonObject { ["request"] = "leave" });

    /// <summary>Mutes or unmutes itself in an audiobridge (<c>configure</c>) and waits for the plugin to confirm.</summary>
    public Task MuteAsync(bool muted) => AsyncEventAsync(_client, _session, _handle, new JsonObject { ["request"] = "configure", ["muted"] = muted });

    /// <summary>Who is in the room now, by display name, as Janus sees it.</summary>
    public async Task<IReadOnlyList<Listed>> ListParticipantsAsync(long room)
    {
        var reply = await _client.RequestAsync(JanusRequests.Message(_client.NewTransaction(), _session, _handle,
            Body(new JsonObject { ["request"] = "listparticipants", ["room"] = room })));
        return DataOf(reply).GetProperty("participants").EnumerateArray()
            .Select(p => new Listed(p.GetProperty("id").GetInt64(),
                p.TryGetProperty("display", out var display) ? display.GetString() ?? "" : "",
                p.TryGetProperty("muted", out var muted) && muted.GetBoolean()))
            .OrderBy(p => p.Display, StringComparer.Ordinal)
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
