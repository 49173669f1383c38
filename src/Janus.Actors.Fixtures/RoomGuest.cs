using System.Text.Json.Nodes;
using Janus.Actors.Protocol;

namespace Janus.Actors.Fixtures;

/// <summary>A participant as a room's <c>listparticipants</c> names it.</summary>
public sealed record Listed(long Id, string Display, bool Muted);

/// <summary>
/// Another client of a room, as a browser's janus.js would be, over a bare Janus WebSocket: its own Janus session and
/// one plugin handle, driven with plain plugin requests (<see cref="RequestAsync"/>) or the few the specs and demos
/// need — join a videoroom as a publisher without media or an audiobridge, leave, mute, list the room.
/// </summary>
public sealed class RoomGuest : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly RawJanusClient _client;
    private readonly long _session;
    private readonly long _handle;

    private RoomGuest(RawJanusClient client, long session, long handle)
    {
        _client = client;
        _session = session;
        _handle = handle;
    }

    /// <summary>A guest with a Janus session and a handle of <paramref name="plugin"/>, in no room yet.</summary>
    public static async Task<RoomGuest> AttachAsync(JanusServer janus, string plugin)
    {
        var client = await janus.ConnectRawClientAsync();
        var session = await client.CreateSessionAsync();
        return new RoomGuest(client, session, await client.AttachAsync(session, plugin));
    }

    public static Task<RoomGuest> JoinVideoRoomAsync(JanusServer janus, long room, string display) =>
        JoinAsync(janus, "janus.plugin.videoroom", new JsonObject { ["request"] = "join", ["ptype"] = "publisher", ["room"] = room, ["display"] = display });

    public static Task<RoomGuest> JoinAudioBridgeAsync(JanusServer janus, long room, string display) =>
        JoinAsync(janus, "janus.plugin.audiobridge", new JsonObject { ["request"] = "join", ["room"] = room, ["display"] = display });

    private static async Task<RoomGuest> JoinAsync(JanusServer janus, string plugin, JsonObject join)
    {
        var guest = await AttachAsync(janus, plugin);
        var joined = await guest.RequestAsync(join.ToJsonString());
        if (!joined.TryGetProperty("id", out _))
            throw new InvalidOperationException($"{join["display"]} could not join: {joined}");
        return guest;
    }

    /// <summary>
    /// Sends a plugin request and returns the plugin's answer, as a browser reads it (<c>plugindata.data</c>): the
    /// synchronous answer, or the event that follows the ack.
    /// </summary>
    public async Task<JsonElement> RequestAsync(string body)
    {
        var request = JanusRequests.Message(_client.NewTransaction(), _session, _handle, JsonDocument.Parse(body).RootElement.Clone());
        var reply = await _client.RequestAsync(request);
        if (reply.PluginData is { } answered) return answered.GetProperty("data"); // a synchronous answer, or the event overtook the ack
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var e = await _client.Events.ReadAsync(timeout.Token);
            if (e.Transaction == request.Transaction && e.PluginData is { } data) return data.GetProperty("data");
        }
    }

    /// <summary>Leaves the room (others get a <c>leaving</c> event) and waits for the plugin to confirm.</summary>
    public Task LeaveAsync() => RequestAsync("""{"request":"leave"}""");

    /// <summary>Mutes or unmutes itself in an audiobridge (<c>configure</c>) and waits for the plugin to confirm.</summary>
    public Task MuteAsync(bool muted) => RequestAsync(new JsonObject { ["request"] = "configure", ["muted"] = muted }.ToJsonString());

    /// <summary>Who is in the room now, by display name, as Janus sees it.</summary>
    public async Task<IReadOnlyList<Listed>> ListParticipantsAsync(long room) =>
        (await RequestAsync(new JsonObject { ["request"] = "listparticipants", ["room"] = room }.ToJsonString()))
        .GetProperty("participants").EnumerateArray()
        .Select(p => new Listed(p.GetProperty("id").GetInt64(),
            p.TryGetProperty("display", out var display) ? display.GetString() ?? "" : "",
            p.TryGetProperty("muted", out var muted) && muted.GetBoolean()))
        .OrderBy(p => p.Display, StringComparer.Ordinal)
        .ToList();

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();
}
