using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Serialization;
using Janus.Actors.Sessions;

namespace Janus.Actors.Persistence;

/// <summary>
/// Serializes every <see cref="IJanusSessionEvent"/> as camelCase JSON (System.Text.Json, source generated).
/// The journal stores a short manifest per event (<c>created</c>, <c>handle-attached</c>, <c>handle-detached</c>,
/// <c>lost</c>, <c>destroyed</c>) and the manifest alone selects the type on replay, so renaming or moving a
/// C# event type never breaks recovery. Registered by <c>hocon/janus-actors.conf</c>.
/// </summary>
public sealed class JanusEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>
    /// The serializer id stored next to every event (column <c>identifier</c> of the journal table).
    /// Outside Akka's reserved range (0–100); changing it makes existing journals unreadable.
    /// </summary>
    public const int SerializerId = 4711;

    private static readonly EventFormat[] Formats =
    [
        new("created", JanusEventJsonContext.Default.SessionCreated),
        new("handle-attached", JanusEventJsonContext.Default.HandleAttached),
        new("handle-detached", JanusEventJsonContext.Default.HandleDetached),
        new("lost", JanusEventJsonContext.Default.SessionLost),
        new("destroyed", JanusEventJsonContext.Default.SessionDestroyed),
    ];

    private static readonly FrozenDictionary<Type, EventFormat> ByType = Formats.ToFrozenDictionary(f => f.TypeInfo.Type);
    private static readonly FrozenDictionary<string, EventFormat> ByManifest = Formats.ToFrozenDictionary(f => f.Manifest, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => FormatOf(o).Manifest;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, FormatOf(obj).TypeInfo);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!ByManifest.TryGetValue(manifest, out var format))
            throw new SerializationException(
                $"Unknown Janus session event manifest '{manifest}': this build reads {string.Join(", ", ByManifest.Keys.Order())}.");

        try
        {
            return JsonSerializer.Deserialize(bytes, format.TypeInfo)
                   ?? throw new SerializationException($"Janus session event '{manifest}' is JSON null.");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"Janus session event '{manifest}' is not valid: {e.Message}", e);
        }
    }

    private static EventFormat FormatOf(object o) =>
        ByType.TryGetValue(o.GetType(), out var format)
            ? format
            : throw new ArgumentException($"{o.GetType()} is not a Janus session event this serializer knows.", nameof(o));

    private sealed record EventFormat(string Manifest, JsonTypeInfo TypeInfo);
}
