using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>
/// A <c>janus.plugin.textroom</c> handle, its synchronous API over Janus messages: rooms and who is in them. Chatting
/// itself (join, message) flows over the handle's data channel, between the browser and Janus.
/// </summary>
public sealed class TextRoomHandle : PluginHandle<TextRoomAnswer, TextRoomErrorCode>
{
    public const string PluginName = "janus.plugin.textroom";

    internal TextRoomHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>Creates room <paramref name="room"/> (<c>create</c>).</summary>
    public Task<TextRoomAnswer> CreateRoomAsync(long room, string? description = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "create", ["room"] = room };
        if (description is not null) request["description"] = description;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Whether room <paramref name="room"/> exists (<c>exists</c>).</summary>
    public async Task<bool> ExistsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "exists", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Exists == true;

    /// <summary>The rooms (<c>list</c>).</summary>
    public async Task<IReadOnlyList<TextRoomRoom>> ListAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "list" }, null, cancellationToken).ConfigureAwait(false)).List ?? [];

    /// <summary>Who is in room <paramref name="room"/> (<c>listparticipants</c>).</summary>
    public async Task<IReadOnlyList<TextRoomParticipant>> ListParticipantsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "listparticipants", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Participants ?? [];

    /// <summary>Destroys room <paramref name="room"/> (<c>destroy</c>).</summary>
    public Task<TextRoomAnswer> DestroyRoomAsync(long room, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "destroy", ["room"] = room }, null, cancellationToken);

    /// <summary>The TextRoom plugin's event in <paramref name="message"/>; null for any other message.</summary>
    public static TextRoomAnswer? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.TextRoomAnswer);

    private protected override JsonTypeInfo<TextRoomAnswer> AnswerType => PluginJsonContext.Default.TextRoomAnswer;
}

/// <summary>A TextRoom answer (<c>{"textroom":"success", …}</c>).</summary>
public sealed record TextRoomAnswer : PluginAnswer
{
    public string? Textroom { get; init; }
    public long? Room { get; init; }
    public bool? Exists { get; init; }
    public IReadOnlyList<TextRoomRoom>? List { get; init; }
    public IReadOnlyList<TextRoomParticipant>? Participants { get; init; }
}

/// <summary>A room as <c>list</c> describes it.</summary>
public sealed record TextRoomRoom
{
    public long Room { get; init; }
    public string? Description { get; init; }
    public bool? PinRequired { get; init; }
    public int? NumParticipants { get; init; }
    [System.Text.Json.Serialization.JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A participant of a text room.</summary>
public sealed record TextRoomParticipant
{
    public string? Username { get; init; }
    public string? Display { get; init; }
    [System.Text.Json.Serialization.JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The TextRoom plugin's error codes (<c>JANUS_TEXTROOM_ERROR_*</c> in <c>janus_textroom.c</c>).</summary>
public enum TextRoomErrorCode
{
    NoMessage = 411, InvalidJson = 412, MissingElement = 413, InvalidElement = 414, InvalidRequest = 415, AlreadySetup = 416,
    /// <summary>No such room.</summary>
    NoSuchRoom = 417,
    RoomExists = 418, Unauthorized = 419, UsernameExists = 420, AlreadyInRoom = 421, NotInRoom = 422, NoSuchUser = 423, UnknownError = 499,
}
