using System.Text.Json;

namespace Janus.Actors.Sessions;

/// <summary>
/// What a plugin request and its answer tell of a handle's purpose (<see cref="HandleContext"/>): a SIP <c>register</c>,
/// a VideoRoom <c>join</c> answered <c>joined</c> or <c>attached</c>, an AudioBridge <c>join</c> answered <c>joined</c>,
/// a Streaming <c>watch</c>; a <c>leave</c> or <c>stop</c> clears it. Anything else, or a refusal, leaves it as it was.
/// </summary>
internal static class HandleContexts
{
    public const string Sip = "janus.plugin.sip";
    public const string VideoRoom = "janus.plugin.videoroom";
    public const string AudioBridge = "janus.plugin.audiobridge";
    public const string Streaming = "janus.plugin.streaming";

    /// <summary>The handle's context after <paramref name="request"/> got <paramref name="pluginData"/>; <c>Changed</c> false when it stays.</summary>
    public static (bool Changed, HandleContext? Context) After(JanusHandle handle, JsonElement request, JsonElement? pluginData)
    {
        var data = Json.Object(pluginData, "data");
        if (data is not { } answer || answer.TryGetProperty("error_code", out _)) return (false, handle.Context);
        HandleContext? next = (handle.Plugin, Json.String(request, "request")) switch
        {
            (Sip, "register") => new HandleContext { Role = "account", Identity = Json.String(request, "username"), Proxy = Json.String(request, "proxy") },
            (VideoRoom, "join") when Json.String(answer, "videoroom") == "joined" => new HandleContext
            {
                Role = "publisher", Room = Json.Number(answer, "room"), Id = Json.Number(answer, "id"), Display = Json.String(request, "display"),
                Participants = RoomRosters.Apply(VideoRoom, [], Json.Number(answer, "id"), answer),
            },
            (VideoRoom, "join") when Json.String(answer, "videoroom") == "attached" => new HandleContext
            {
                Role = "subscriber", Room = Json.Number(answer, "room"), Feeds = SubscribedFeeds(request),
            },
            (AudioBridge, "join") when Json.String(answer, "audiobridge") == "joined" => new HandleContext
            {
                Role = "participant", Room = Json.Number(answer, "room"), Id = Json.Number(answer, "id"), Display = Json.String(request, "display"),
                Participants = RoomRosters.Apply(AudioBridge, [], Json.Number(answer, "id"), answer),
            },
            (Streaming, "watch") => new HandleContext { Role = "viewer", Mountpoint = Json.Number(request, "id") },
            (VideoRoom or AudioBridge, "leave") or (Streaming, "stop") => null,
            _ => handle.Context,
        };
        return (!Equals(next, handle.Context), next);
    }

    /// <summary>
    /// What a handle is for, as its plugin state read back from the Admin API says (<c>handle_info</c>'s
    /// <c>plugin_specific</c>), for a handle whose context the journal does not hold — one journaled before contexts, or
    /// set up by requests that went another way. A room's members are left unknown (null) until it is listed. Null when
    /// the state says nothing of a purpose.
    /// </summary>
    public static HandleContext? FromPluginState(string plugin, JsonElement state) => plugin switch
    {
        Sip when Json.String(state, "username") is { } username => new HandleContext { Role = "account", Identity = username },
        VideoRoom when Json.String(state, "type") == "publisher" && Json.Number(state, "room") is { } room => new HandleContext
        {
            Role = "publisher", Room = room, Id = Json.Number(state, "id"), Display = Json.String(state, "display"),
        },
        VideoRoom when Json.String(state, "type") == "subscriber" && Json.Number(state, "room") is { } room => new HandleContext { Role = "subscriber", Room = room },
        AudioBridge when Json.Number(state, "room") is { } room && Json.Number(state, "id") is { } id => new HandleContext
        {
            Role = "participant", Room = room, Id = id, Display = Json.String(state, "display"),
        },
        Streaming when Json.Number(state, "mountpoint_id") is { } mountpoint => new HandleContext { Role = "viewer", Mountpoint = mountpoint },
        _ => null,
    };

    /// <summary>A subscriber's feeds: <c>streams[].feed</c> (multistream) or <c>feed</c>.</summary>
    private static IReadOnlyList<long> SubscribedFeeds(JsonElement request) =>
        request.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array
            ? streams.EnumerateArray().Select(stream => Json.Number(stream, "feed")).OfType<long>().Distinct().ToList()
            : Json.Number(request, "feed") is { } feed ? [feed] : [];
}

/// <summary>Reading plugin JSON whose members may be missing or of another kind.</summary>
internal static class Json
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    public static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public static JsonElement? Object(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
}
