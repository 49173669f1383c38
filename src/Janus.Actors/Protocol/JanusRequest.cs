using System.Text.Json;
using System.Text.Json.Serialization;

namespace Janus.Actors.Protocol;

/// <summary>
/// One request to the Janus core API (<c>create</c>, <c>claim</c>, <c>message</c>, ...). Null members are not sent.
/// Build instances with <see cref="JanusRequests"/>.
/// </summary>
public sealed record JanusRequest
{
    [JsonPropertyName("janus")] public required string Janus { get; init; }
    [JsonPropertyName("transaction")] public required string Transaction { get; init; }
    [JsonPropertyName("session_id")] public long? SessionId { get; init; }
    [JsonPropertyName("handle_id")] public long? HandleId { get; init; }
    [JsonPropertyName("plugin")] public string? Plugin { get; init; }
    [JsonPropertyName("opaque_id")] public string? OpaqueId { get; init; }
    [JsonPropertyName("body")] public JsonElement? Body { get; init; }
    [JsonPropertyName("jsep")] public JsonElement? Jsep { get; init; }
    [JsonPropertyName("candidate")] public JsonElement? Candidate { get; init; }
    [JsonPropertyName("apisecret")] public string? ApiSecret { get; init; }
    [JsonPropertyName("token")] public string? Token { get; init; }

    /// <summary>Never prints <see cref="ApiSecret"/> or <see cref="Token"/>: requests end up in logs.</summary>
    public override string ToString() =>
        $"{Janus} (transaction {Transaction}, handle {HandleId?.ToString() ?? "-"})";

    /// <summary>The request as UTF-8 JSON, ready for the wire.</summary>
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JanusJsonContext.Default.JanusRequest);
}
