using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Janus.Actors.Servers;

namespace Janus.Actors.Host.Api;

/// <summary>Reads request bodies and checks the values callers choose. Every failure is an <see cref="ApiInputException"/>.</summary>
public static partial class ApiInput
{
    public const int MaxKeyLength = 128;
    public const int MaxPluginLength = 128;
    public const int MaxOpaqueIdLength = 256;

    /// <summary>Janus ids are at most 53 bits (they travel as JSON numbers).</summary>
    public const long MaxJanusId = (1L << 53) - 1;

    /// <summary>Largest request body Kestrel accepts; larger ones are answered 413.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^janus\\.plugin\\.[a-z0-9_.]+$")]
    private static partial Regex PluginPattern();

    /// <summary>
    /// Parses the body as <typeparamref name="T"/>. Requires <c>Content-Type: application/json</c>: besides being honest,
    /// it forces browsers to preflight cross-origin requests, so a web page cannot drive a token-less local API.
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo) where T : class
    {
        if (!request.HasJsonContentType())
            throw new ApiInputException("Content-Type must be application/json", StatusCodes.Status415UnsupportedMediaType);
        // Too-large bodies surface here as BadHttpRequestException (413), invalid JSON as JsonException (400).
        return await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted)
               ?? throw new ApiInputException("request body must be a JSON object, not null");
    }

    /// <summary>A session key: 1–128 characters of <c>[A-Za-z0-9._:-]</c>.</summary>
    public static string Key(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
            throw new ApiInputException("key is required");
        if (key.Length > MaxKeyLength)
            throw new ApiInputException($"key is longer than {MaxKeyLength} characters");
        if (!KeyPattern().IsMatch(key))
            throw new ApiInputException("key may only contain letters, digits and . _ : -");
        return key;
    }

    /// <summary>A plugin package name such as <c>janus.plugin.echotest</c>.</summary>
    public static string Plugin(string? plugin)
    {
        if (string.IsNullOrWhiteSpace(plugin))
            throw new ApiInputException("plugin is required");
        if (plugin.Length > MaxPluginLength || !PluginPattern().IsMatch(plugin))
            throw new ApiInputException("plugin must be a Janus plugin name such as janus.plugin.echotest");
        return plugin;
    }

    public static string? OpaqueId(string? opaqueId) =>
        opaqueId is { Length: > MaxOpaqueIdLength }
            ? throw new ApiInputException($"opaqueId is longer than {MaxOpaqueIdLength} characters")
            : opaqueId;

    public static long? AdoptId(long? id) =>
        id is { } value && (value <= 0 || value > MaxJanusId)
            ? throw new ApiInputException("adoptJanusSessionId must be a positive integer of at most 53 bits")
            : id;

    /// <summary>A server name or a zone, when given: what <c>Janus:Servers</c> allows as a name (<see cref="JanusServerSettings.IsValidName"/>).</summary>
    public static string? Name(string? name, string member) =>
        name is null || JanusServerSettings.IsValidName(name)
            ? name
            : throw new ApiInputException($"{member} must be 1 to 64 letters, digits, '.', '_' or '-'");

    /// <summary>A JSON object (plugin message body, JSEP); <paramref name="required"/> says whether it may be absent.</summary>
    public static JsonElement? Object(JsonElement? element, string name, bool required)
    {
        if (element is not { } value || value.ValueKind == JsonValueKind.Null)
            return required ? throw new ApiInputException($"{name} is required") : null;
        return value.ValueKind == JsonValueKind.Object ? value : throw new ApiInputException($"{name} must be a JSON object");
    }
}
