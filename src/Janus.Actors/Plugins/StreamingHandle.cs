using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>A <c>janus.plugin.streaming</c> handle: mountpoints, and one viewer watching one.</summary>
public sealed class StreamingHandle : PluginHandle<StreamingAnswer, StreamingErrorCode>
{
    public const string PluginName = "janus.plugin.streaming";

    internal StreamingHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>The mountpoints (<c>list</c>).</summary>
    public async Task<IReadOnlyList<StreamingMountpoint>> ListAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "list" }, null, cancellationToken).ConfigureAwait(false)).List ?? [];

    /// <summary>One mountpoint (<c>info</c>).</summary>
    public async Task<StreamingMountpoint> InfoAsync(long mountpoint, CancellationToken cancellationToken = default) =>
        (await SendAsync(new JsonObject { ["request"] = "info", ["id"] = mountpoint }, null, cancellationToken).ConfigureAwait(false)).Info
        ?? throw new JanusPluginException<StreamingErrorCode>(Plugin, "info", (int)StreamingErrorCode.UnknownError, "the answer had no info");

    /// <summary>
    /// Creates an RTP mountpoint fed on UDP (<c>create</c>, <c>type: rtp</c>), one Opus audio stream on
    /// <paramref name="audioPort"/>; the answer's <c>stream</c> is in its <see cref="PluginAnswer.Extra"/>.
    /// </summary>
    public Task<StreamingAnswer> CreateRtpAudioAsync(long mountpoint, int audioPort, string? description = null, CancellationToken cancellationToken = default)
    {
        var media = new JsonArray(new JsonObject
        {
            ["type"] = "audio", ["mid"] = "a", ["port"] = audioPort, ["pt"] = 111, ["codec"] = "opus",
        });
        var request = new JsonObject { ["request"] = "create", ["type"] = "rtp", ["id"] = mountpoint, ["media"] = media };
        if (description is not null) request["description"] = description;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Destroys a mountpoint (<c>destroy</c>); its viewers are hung up.</summary>
    public Task<StreamingAnswer> DestroyAsync(long mountpoint, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "destroy", ["id"] = mountpoint }, null, cancellationToken);

    /// <summary>Watches a mountpoint (<c>watch</c>): Janus answers <c>preparing</c> with its offer in <see cref="PluginAnswer.Jsep"/>.</summary>
    public Task<StreamingAnswer> WatchAsync(long mountpoint, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "watch", ["id"] = mountpoint }, null, cancellationToken);

    /// <summary>Starts the stream with the browser's <paramref name="answer"/> (<c>start</c>).</summary>
    public Task<StreamingAnswer> StartAsync(JsonElement answer, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "start" }, answer, cancellationToken);

    /// <summary>Pauses the stream (<c>pause</c>).</summary>
    public Task<StreamingAnswer> PauseAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "pause" }, null, cancellationToken);

    /// <summary>Stops watching (<c>stop</c>).</summary>
    public Task<StreamingAnswer> StopAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "stop" }, null, cancellationToken);

    /// <summary>The Streaming plugin's event in <paramref name="message"/>, with its JSEP; null for any other message.</summary>
    public static StreamingAnswer? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.StreamingAnswer);

    private protected override JsonTypeInfo<StreamingAnswer> AnswerType => PluginJsonContext.Default.StreamingAnswer;
}

/// <summary>
/// A Streaming answer or event (<c>{"streaming": kind, …}</c>): <c>list</c> (<see cref="List"/>), <c>info</c>
/// (<see cref="Info"/>), <c>created</c>, <c>destroyed</c>, or an <c>event</c> whose <c>result</c> has the viewer's
/// <c>status</c> (<see cref="Status"/>: preparing, starting, started, pausing, stopping, …).
/// </summary>
public sealed record StreamingAnswer : PluginAnswer
{
    public string? Streaming { get; init; }
    public IReadOnlyList<StreamingMountpoint>? List { get; init; }
    public StreamingMountpoint? Info { get; init; }
    public JsonElement? Result { get; init; }

    /// <summary>A viewer's status in an event's <c>result</c>, or null.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Status => Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty("status", out var status) ? status.GetString() : null;
}

/// <summary>A mountpoint as <c>list</c> and <c>info</c> describe it.</summary>
public sealed record StreamingMountpoint
{
    public long Id { get; init; }
    public string? Type { get; init; }
    public string? Description { get; init; }
    public bool? Enabled { get; init; }
    public JsonElement? Media { get; init; }
    [System.Text.Json.Serialization.JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The Streaming plugin's error codes (<c>JANUS_STREAMING_ERROR_*</c> in <c>janus_streaming.c</c>).</summary>
public enum StreamingErrorCode
{
    NoMessage = 450, InvalidJson = 451, InvalidRequest = 452, MissingElement = 453, InvalidElement = 454,
    /// <summary>No such mountpoint.</summary>
    NoSuchMountpoint = 455,
    CantCreate = 456, Unauthorized = 457, CantSwitch = 458, CantRecord = 459, InvalidState = 460, InvalidSdp = 461, UnknownError = 470,
}
