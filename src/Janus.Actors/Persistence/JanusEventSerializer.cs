using Akka.Actor;
using Akka.Serialization;
using Janus.Actors.Sessions;

namespace Janus.Actors.Persistence;

/// <summary>
/// Serializes every <see cref="IJanusSessionEvent"/> as camelCase JSON (System.Text.Json, source generated).
/// The journal stores a short manifest per event (<c>created-v2</c>, <c>handle-attached</c>, <c>handle-detached</c>, <c>handle-context</c>,
/// <c>lost</c>, <c>destroyed</c>; <c>created</c>, from before servers had names, is still read) and the manifest alone
/// selects the type on replay, so renaming or moving a C# event type never breaks recovery. Registered by <c>hocon/janus-actors.conf</c>.
/// </summary>
internal sealed class JanusEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>
    /// The serializer id stored next to every event (column <c>identifier</c> of the journal table).
    /// Outside Akka's reserved range (0–100); changing it makes existing journals unreadable.
    /// </summary>
    public const int SerializerId = 4711;

    private static readonly ManifestFormats Formats = new("Janus session event",
    [
        ManifestFormat.Json("created-v2", JanusEventJsonContext.Default.SessionCreated),
        ManifestFormat.ReadOnly("created", JanusEventJsonContext.Default.SessionCreatedBeforeServers,
            old => new Sessions.JanusSessionEvents.SessionCreated(old.JanusSessionId, old.Transport, old.Adopted)),
        ManifestFormat.Json("handle-attached", JanusEventJsonContext.Default.HandleAttached),
        ManifestFormat.Json("handle-detached", JanusEventJsonContext.Default.HandleDetached),
        ManifestFormat.Json("handle-context", JanusEventJsonContext.Default.HandleContextChanged),
        ManifestFormat.Json("lost", JanusEventJsonContext.Default.SessionLost),
        ManifestFormat.Json("destroyed", JanusEventJsonContext.Default.SessionDestroyed),
    ]);

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => Formats.Manifest(o);

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => Formats.Write(obj);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => Formats.Read(bytes, manifest);
}
