using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Janus.Actors.Persistence;

/// <summary>
/// How one message type is written under its short manifest. The manifest alone selects the type when reading, so
/// renaming or moving a C# type never changes what is stored or sent.
/// </summary>
internal sealed record ManifestFormat(string Manifest, Type Type, Func<object, byte[]> Write, Func<byte[], object?> Read)
{
    /// <summary>The type is its own JSON (System.Text.Json, source generated).</summary>
    public static ManifestFormat Json<T>(string manifest, JsonTypeInfo<T> typeInfo) =>
        Json(manifest, typeInfo, (T message) => message, wire => wire);

    /// <summary>
    /// A format only read: what an earlier version wrote under <paramref name="manifest"/>, upgraded to today's message.
    /// Keyed by its wire type, which nothing sends, so today's message keeps its own (newer) manifest for writing.
    /// </summary>
    public static ManifestFormat ReadOnly<TWire>(string manifest, JsonTypeInfo<TWire> typeInfo, Func<TWire, object> upgrade) =>
        new(manifest, typeof(TWire),
            _ => throw new InvalidOperationException($"'{manifest}' is only read: a newer manifest is written"),
            bytes => JsonSerializer.Deserialize(bytes, typeInfo) is { } wire ? upgrade(wire) : null);

    /// <summary>The type is written as <typeparamref name="TWire"/>, for members JSON cannot carry as they are.</summary>
    public static ManifestFormat Json<T, TWire>(string manifest, JsonTypeInfo<TWire> typeInfo, Func<T, TWire> toWire, Func<TWire, T> fromWire) =>
        new(manifest, typeof(T),
            message => JsonSerializer.SerializeToUtf8Bytes(toWire((T)message), typeInfo),
            bytes => JsonSerializer.Deserialize(bytes, typeInfo) is { } wire ? fromWire(wire) : null);
}

/// <summary>
/// The formats of one <see cref="Akka.Serialization.SerializerWithStringManifest"/>: finds a message's format by
/// its exact type and a payload's by its manifest, and fails with a message that names both.
/// </summary>
internal sealed class ManifestFormats
{
    private readonly string _subject;
    private readonly FrozenDictionary<Type, ManifestFormat> _byType;
    private readonly FrozenDictionary<string, ManifestFormat> _byManifest;

    /// <param name="subject">What the formats are, for error messages (<c>"Janus session event"</c>).</param>
    /// <param name="formats">One format a type; manifests are unique.</param>
    public ManifestFormats(string subject, IEnumerable<ManifestFormat> formats)
    {
        _subject = subject;
        var all = formats.ToList();
        _byType = all.ToFrozenDictionary(f => f.Type);
        _byManifest = all.ToFrozenDictionary(f => f.Manifest, StringComparer.Ordinal);
    }

    public string Manifest(object message) => FormatOf(message).Manifest;

    public byte[] Write(object message) => FormatOf(message).Write(message);

    /// <exception cref="SerializationException">the manifest is unknown, or the payload is not valid for it.</exception>
    public object Read(byte[] bytes, string manifest)
    {
        if (!_byManifest.TryGetValue(manifest, out var format))
            throw new SerializationException(
                $"Unknown {_subject} manifest '{manifest}': this build reads {string.Join(", ", _byManifest.Keys.Order())}.");

        try
        {
            return format.Read(bytes) ?? throw new SerializationException($"{_subject} '{manifest}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"{_subject} '{manifest}' is not valid: {e.Message}", e);
        }
    }

    private ManifestFormat FormatOf(object message) =>
        _byType.TryGetValue(message.GetType(), out var format)
            ? format
            : throw new ArgumentException($"{message.GetType()} is not a {_subject} this serializer knows.", nameof(message));
}
