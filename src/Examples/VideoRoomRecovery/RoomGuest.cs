using System.Text.Json;
using Janus.Actors.Examples;
using Janus.Actors.Protocol;
using Janus.Actors.Fixtures;

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
        var joined = await AsyncEventAsync(client, session, handle, PluginData.Body(new { request = "join", ptype = "publisher", room, display }));
        var id = joined.Number("id") ?? throw new InvalidOperationException($"{display} could not join: {joined}");
        return new RoomGuest(client, session, handle, display, id);
    }

    /// <summary>Leaves the room (others get a <c>leaving</c> event) and waits for the plugin to confirm.</summary>
    public Task LeaveAsync() => AsyncEventAsync(_client, _session, _handle, PluginData.Body(new { request = "leave" }));

    /// <summary>Who is in the room now, by display name, as Janus sees it.</summary>
    public async Task<IReadOnlyList<(long Id, string Display)>> ListParticipantsAsync(long room)
    {
        var reply = await _client.RequestAsync(JanusRequests.Message(_client.NewTransaction(), _session, _handle,
            PluginData.Body(new { request = "listparticipants", room })));
        return PluginData.Of(reply).Array("participants")
            .Select(p => (p.Number("id")!.Value, p.String("display") ?? ""))
            .OrderBy(p => p.Item2, StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    /// <summary>Sends an asynchronous plugin request and returns the plugin's answer (the event after the ack).</summary>
    private static async Task<JsonElement> AsyncEventAsync(RawJanusClient client, long session, long handle, JsonElement body)
    {
        var transaction = client.NewTransaction();
        var first = await client.RequestAsync(JanusRequests.Message(transaction, session, handle, body));
        if (first.Janus == JanusMessageKinds.Event)
            return PluginData.Of(first); // the event overtook the ack
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = await client.Events.ReadAsync(patience.Token);
            if (message.Transaction == transaction && message.Janus == JanusMessageKinds.Event)
                return PluginData.Of(message);
        }
    }
}
