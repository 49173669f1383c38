using System.Text.Json;
using Janus.Actors.Protocol;
using Janus.Actors.Sessions;

namespace Janus.Actors.Examples;

/// <summary>Reading a plugin's answer: Janus wraps it as <c>plugindata.data</c>.</summary>
public static class PluginData
{
    /// <summary>The plugin's <c>data</c> object, or an empty object when the message carries none.</summary>
    public static JsonElement Of(JanusMessage message) => DataOf(message.PluginData);

    /// <inheritdoc cref="Of(JanusMessage)"/>
    public static JsonElement Of(PluginReply reply) => DataOf(reply.PluginData);

    /// <summary>A string member, or null.</summary>
    public static string? String(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A number member, or null.</summary>
    public static long? Number(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : null;

    /// <summary>An object member, or an empty object.</summary>
    public static JsonElement Object(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : Empty;

    /// <summary>The items of an array member; none when it is missing.</summary>
    public static IEnumerable<JsonElement> Array(this JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>A request body from an anonymous object, e.g. <c>Body(new { request = "register", username })</c>.</summary>
    public static JsonElement Body(object request) => JsonSerializer.SerializeToElement(request);

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement;

    private static JsonElement DataOf(JsonElement? pluginData) =>
        pluginData is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("data", out var data) ? data : Empty;
}
