using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>A <c>janus.plugin.audiobridge</c> handle: conference rooms mixed by Janus, and one participant in one.</summary>
public sealed class AudioBridgeHandle : PluginHandle<AudioBridgeAnswer, AudioBridgeErrorCode>
{
    public const string PluginName = "janus.plugin.audiobridge";

    internal AudioBridgeHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>Creates room <paramref name="room"/> (<c>create</c>).</summary>
    public Task<AudioBridgeAnswer> CreateRoomAsync(long room, string? description = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "create", ["room"] = room };
        if (description is not null) request["description"] = description;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Whether room <paramref name="room"/> exists (<c>exists</c>).</summary>
    public async Task<bool> ExistsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "exists", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Exists == true;

    /// <summary>Destroys room <paramref name="room"/> (<c>destroy</c>).</summary>
    public Task<AudioBridgeAnswer> DestroyRoomAsync(long room, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "destroy", ["room"] = room }, null, cancellationToken);

    /// <summary>Who is in room <paramref name="room"/>, muted or not (<c>listparticipants</c>).</summary>
    public async Task<IReadOnlyList<AudioBridgeParticipant>> ListParticipantsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "listparticipants", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Participants ?? [];

    /// <summary>Joins room <paramref name="room"/> (<c>join</c>); answered <c>joined</c> with this participant's id and the others.</summary>
    public Task<AudioBridgeAnswer> JoinAsync(long room, string? display = null, bool muted = false, long? id = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "join", ["room"] = room, ["muted"] = muted };
        if (display is not null) request["display"] = display;
        if (id is { } participant) request["id"] = participant;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Mutes or unmutes this participant (<c>configure</c>); <paramref name="offer"/> sets its media up.</summary>
    public Task<AudioBridgeAnswer> ConfigureAsync(bool? muted = null, JsonElement? offer = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "configure" };
        if (muted is { } mute) request["muted"] = mute;
        return SendAsync(request, offer, cancellationToken);
    }

    /// <summary>
    /// Mutes or unmutes another participant of room <paramref name="room"/> (<c>mute</c>, <c>unmute</c>), as a moderator
    /// does; <paramref name="secret"/> is the room's secret when it has one. Everyone in the room hears of it.
    /// </summary>
    public Task<AudioBridgeAnswer> MuteAsync(long room, long participant, bool muted = true, string? secret = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = muted ? "mute" : "unmute", ["room"] = room, ["id"] = participant };
        if (secret is not null) request["secret"] = secret;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Leaves the room (<c>leave</c>).</summary>
    public Task<AudioBridgeAnswer> LeaveAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "leave" }, null, cancellationToken);

    /// <summary>The AudioBridge plugin's event in <paramref name="message"/>, with its JSEP; null for any other message.</summary>
    public static AudioBridgeAnswer? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.AudioBridgeAnswer);

    private protected override JsonTypeInfo<AudioBridgeAnswer> AnswerType => PluginJsonContext.Default.AudioBridgeAnswer;
}

/// <summary>
/// An AudioBridge answer or event (<c>{"audiobridge": kind, …}</c>): <c>joined</c> (<see cref="Id"/>, the others in
/// <see cref="Participants"/>), an <c>event</c> (<see cref="Participants"/> who joined or changed, <see cref="Leaving"/>),
/// <c>participants</c>, <c>created</c>, <c>left</c>, …
/// </summary>
public sealed record AudioBridgeAnswer : PluginAnswer
{
    public string? Audiobridge { get; init; }
    public long? Room { get; init; }
    public long? Id { get; init; }
    public bool? Exists { get; init; }
    public string? Result { get; init; }
    public IReadOnlyList<AudioBridgeParticipant>? Participants { get; init; }
    public long? Leaving { get; init; }

    /// <summary><see cref="Audiobridge"/> as an enum.</summary>
    [JsonIgnore] public AudioBridgeEventKind Kind => JanusEnumNames.Parse(Audiobridge, AudioBridgeEventKind.Unknown);
}

/// <summary>A participant of an AudioBridge room.</summary>
public sealed record AudioBridgeParticipant
{
    public long Id { get; init; }
    public string? Display { get; init; }
    public bool? Muted { get; init; }
    /// <summary>Whether its PeerConnection is up.</summary>
    public bool? Setup { get; init; }
    public bool? Talking { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The AudioBridge plugin's answers and events (its <c>audiobridge</c> member).</summary>
public enum AudioBridgeEventKind { Unknown, Created, Edited, Destroyed, Success, Participants, Joined, Event, Left, Roomchanged, Talking, StoppedTalking }

/// <summary>The AudioBridge plugin's error codes (<c>JANUS_AUDIOBRIDGE_ERROR_*</c> in <c>janus_audiobridge.c</c>).</summary>
public enum AudioBridgeErrorCode
{
    NoMessage = 480, InvalidJson = 481, InvalidRequest = 482, MissingElement = 483, InvalidElement = 484,
    /// <summary>No such room.</summary>
    NoSuchRoom = 485,
    RoomExists = 486, NotJoined = 487, LibopusError = 488, Unauthorized = 489, IdExists = 490, AlreadyJoined = 491,
    NoSuchUser = 492, InvalidSdp = 493, NoSuchGroup = 494, UnknownError = 499,
}
