using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>
/// A <c>janus.plugin.videoroom</c> handle: rooms, a publisher, or a subscriber. Room and participant ids are numbers
/// (Janus's default; a Janus with <c>string_ids</c> needs the untyped <see cref="IJanusSessions.SendAsync"/>).
/// </summary>
public sealed class VideoRoomHandle : PluginHandle<VideoRoomAnswer, VideoRoomErrorCode>
{
    public const string PluginName = "janus.plugin.videoroom";

    internal VideoRoomHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>Creates room <paramref name="room"/> (<c>create</c>); <paramref name="notifyJoining"/> tells members of every join.</summary>
    public Task<VideoRoomAnswer> CreateRoomAsync(long room, string? description = null, int? publishers = null, bool notifyJoining = false,
        CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "create", ["room"] = room, ["notify_joining"] = notifyJoining };
        if (description is not null) request["description"] = description;
        if (publishers is { } max) request["publishers"] = max;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Whether room <paramref name="room"/> exists (<c>exists</c>).</summary>
    public async Task<bool> ExistsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "exists", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Exists == true;

    /// <summary>Destroys room <paramref name="room"/> (<c>destroy</c>): its participants get <c>destroyed</c>.</summary>
    public Task<VideoRoomAnswer> DestroyRoomAsync(long room, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "destroy", ["room"] = room }, null, cancellationToken);

    /// <summary>Who is in room <paramref name="room"/> (<c>listparticipants</c>).</summary>
    public async Task<IReadOnlyList<VideoRoomParticipant>> ListParticipantsAsync(long room, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "listparticipants", ["room"] = room }, null, cancellationToken).ConfigureAwait(false)).Participants ?? [];

    /// <summary>Joins room <paramref name="room"/> as a publisher (<c>join</c>, <c>ptype: publisher</c>); answered <c>joined</c>.</summary>
    public Task<VideoRoomAnswer> JoinAsPublisherAsync(long room, string? display = null, long? id = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "join", ["ptype"] = "publisher", ["room"] = room };
        if (display is not null) request["display"] = display;
        if (id is { } feed) request["id"] = feed;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Publishes with the browser's <paramref name="offer"/> (<c>publish</c>); the answer's <see cref="PluginAnswer.Jsep"/> is Janus's.</summary>
    public Task<VideoRoomAnswer> PublishAsync(JsonElement offer, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "publish" }, offer, cancellationToken);

    /// <summary>Subscribes to <paramref name="feeds"/> of room <paramref name="room"/> (<c>join</c>, <c>ptype: subscriber</c>); answered <c>attached</c> with Janus's offer.</summary>
    public Task<VideoRoomAnswer> SubscribeAsync(long room, IEnumerable<long> feeds, CancellationToken cancellationToken = default)
    {
        var streams = new JsonArray(feeds.Select(feed => (JsonNode)new JsonObject { ["feed"] = feed }).ToArray());
        return SendAsync(new JsonObject { ["request"] = "join", ["ptype"] = "subscriber", ["room"] = room, ["streams"] = streams }, null, cancellationToken);
    }

    /// <summary>Starts a subscription with the browser's <paramref name="answer"/> to Janus's offer (<c>start</c>).</summary>
    public Task<VideoRoomAnswer> StartAsync(JsonElement answer, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "start" }, answer, cancellationToken);

    /// <summary>
    /// Forwards what <paramref name="publisher"/> publishes in room <paramref name="room"/> as plain RTP to
    /// <paramref name="host"/> (<c>rtp_forward</c>, the audio to <paramref name="audioPort"/>, the video to
    /// <paramref name="videoPort"/>): how a recorder, a transcriber or a media server gets a publisher's media without
    /// WebRTC. <paramref name="secret"/> is the room's secret when it has one (and Janus's <c>admin_key</c> when its
    /// config locks RTP forwarding). Answered <c>rtp_forward</c>; Janus stops forwarding when the publisher unpublishes.
    /// </summary>
    public Task<VideoRoomAnswer> RtpForwardAsync(long room, long publisher, string host, int? audioPort, int? videoPort, string? secret = null,
        CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "rtp_forward", ["room"] = room, ["publisher_id"] = publisher, ["host"] = host };
        if (audioPort is { } audio) request["audio_port"] = audio;
        if (videoPort is { } video) request["video_port"] = video;
        if (secret is not null) request["secret"] = secret;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Leaves the room (<c>leave</c>).</summary>
    public Task<VideoRoomAnswer> LeaveAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "leave" }, null, cancellationToken);

    /// <summary>The VideoRoom plugin's event in <paramref name="message"/>, with its JSEP; null for any other message.</summary>
    public static VideoRoomAnswer? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.VideoRoomAnswer);

    private protected override JsonTypeInfo<VideoRoomAnswer> AnswerType => PluginJsonContext.Default.VideoRoomAnswer;
}

/// <summary>
/// A VideoRoom answer or event (<c>{"videoroom": kind, …}</c>): <see cref="Kind"/> says which, and the members it carries are
/// set — <c>joined</c>: <see cref="Id"/>, <see cref="PrivateId"/>, <see cref="Publishers"/>; an <c>event</c>:
/// <see cref="Publishers"/> (new publishers), <see cref="Joining"/>, <see cref="Leaving"/>, <see cref="Unpublished"/>;
/// <c>participants</c>: <see cref="Participants"/>; <c>attached</c>/<c>updated</c>: Janus's offer in <see cref="PluginAnswer.Jsep"/>.
/// </summary>
public sealed record VideoRoomAnswer : PluginAnswer
{
    /// <summary>The plugin's name for it: <c>created</c>, <c>joined</c>, <c>event</c>, <c>participants</c>, <c>attached</c>, …</summary>
    public string? Videoroom { get; init; }
    public long? Room { get; init; }
    public long? Id { get; init; }
    public long? PrivateId { get; init; }
    public string? Description { get; init; }
    public bool? Exists { get; init; }
    public IReadOnlyList<VideoRoomParticipant>? Participants { get; init; }
    public IReadOnlyList<VideoRoomParticipant>? Publishers { get; init; }
    public VideoRoomParticipant? Joining { get; init; }
    /// <summary>The id of a participant who left (or <c>"ok"</c> for this handle's own <c>leave</c>).</summary>
    public JsonElement? Leaving { get; init; }
    /// <summary>The id of a publisher who stopped publishing (or <c>"ok"</c> for this handle's own).</summary>
    public JsonElement? Unpublished { get; init; }
    public string? Configured { get; init; }

    /// <summary><see cref="Videoroom"/> as an enum.</summary>
    [JsonIgnore] public VideoRoomEventKind Kind => JanusEnumNames.Parse(Videoroom, VideoRoomEventKind.Unknown);
}

/// <summary>A participant of a room: <see cref="Publisher"/> when it publishes; <see cref="Streams"/> as Janus lists them.</summary>
public sealed record VideoRoomParticipant
{
    public long Id { get; init; }
    public string? Display { get; init; }
    public bool? Publisher { get; init; }
    public bool? Talking { get; init; }
    public JsonElement? Streams { get; init; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The VideoRoom plugin's answers and events (its <c>videoroom</c> member).</summary>
public enum VideoRoomEventKind { Unknown, Created, Edited, Destroyed, Success, Participants, Joined, Event, Attached, Updated, Talking, StoppedTalking, Left, RtpForward }

/// <summary>The VideoRoom plugin's error codes (<c>JANUS_VIDEOROOM_ERROR_*</c> in <c>janus_videoroom.c</c>).</summary>
public enum VideoRoomErrorCode
{
    NoMessage = 421, InvalidJson = 422, InvalidRequest = 423, JoinFirst = 424, AlreadyJoined = 425,
    /// <summary>No such room.</summary>
    NoSuchRoom = 426,
    RoomExists = 427, NoSuchFeed = 428, MissingElement = 429, InvalidElement = 430, InvalidSdpType = 431, PublishersFull = 432,
    Unauthorized = 433, AlreadyPublished = 434, NotPublished = 435, IdExists = 436, InvalidSdp = 437, InvalidFeed = 438, UnknownError = 499,
}
