using System.Text.Json;
using System.Text.Json.Serialization;

namespace Janus.Actors.Protocol;

/// <summary>
/// Anything Janus sends: a reply (<c>success</c>, <c>ack</c>, <c>error</c>, <c>server_info</c>) or an event
/// (<c>event</c>, <c>webrtcup</c>, <c>media</c>, <c>slowlink</c>, <c>hangup</c>, <c>detached</c>, <c>trickle</c>, <c>timeout</c>).
/// Members Janus did not send are null; members this type does not name are kept in <see cref="Extra"/>.
/// </summary>
public sealed record JanusMessage
{
    [JsonPropertyName("janus")] public required string Janus { get; init; }
    [JsonPropertyName("transaction")] public string? Transaction { get; init; }
    [JsonPropertyName("session_id")] public long? SessionId { get; init; }
    /// <summary>The handle an event comes from.</summary>
    [JsonPropertyName("sender")] public long? Sender { get; init; }
    [JsonPropertyName("data")] public JanusData? Data { get; init; }
    [JsonPropertyName("error")] public JanusError? Error { get; init; }
    [JsonPropertyName("plugindata")] public JsonElement? PluginData { get; init; }
    [JsonPropertyName("jsep")] public JsonElement? Jsep { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("session-timeout")] public int? ServerSessionTimeout { get; init; }
    [JsonPropertyName("reclaim-session-timeout")] public int? ServerReclaimSessionTimeout { get; init; }
    // Not init: the source generator builds init-only members through a parameterized constructor, and extension
    // data cannot bind to one (dotnet/runtime#107898); with init, every Parse throws InvalidOperationException.
    [JsonExtensionData, JsonInclude] public Dictionary<string, JsonElement>? Extra { get; internal set; }

    /// <summary>Parses one frame; throws <see cref="JsonException"/> when it is not a Janus message.</summary>
    public static JanusMessage Parse(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, JanusJsonContext.Default.JanusMessage)
        ?? throw new JsonException("Janus sent JSON null");

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JanusJsonContext.Default.JanusMessage);
}

/// <summary>The <c>data</c> member of a <c>create</c>/<c>attach</c> success: the new session or handle id.</summary>
public sealed record JanusData([property: JsonPropertyName("id")] long Id);

/// <summary>The <c>error</c> member of an <c>error</c> reply.</summary>
public sealed record JanusError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("reason")] string? Reason);
