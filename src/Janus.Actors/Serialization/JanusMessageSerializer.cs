using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Serialization;

/// <summary>
/// Serializes the messages that cross cluster nodes — every <see cref="IJanusSessionCommand"/>, the replies to them
/// and every <see cref="IJanusSessionNotice"/> — as camelCase JSON (System.Text.Json, source generated) under short,
/// stable manifests, so no message between nodes goes through Akka's Newtonsoft default (CLR type names on the wire,
/// reflection). Failures travel as <see cref="Status.Failure"/> through Akka.Remote's own serializer.
/// Registered by <c>hocon/janus-actors.conf</c>.
/// </summary>
internal sealed class JanusMessageSerializer : SerializerWithStringManifest
{
    /// <summary>
    /// The serializer id sent with every message. Outside Akka's reserved range (0–100) and next to
    /// <see cref="Persistence.JanusEventSerializer.SerializerId"/>; every node of a cluster must agree on it.
    /// </summary>
    public const int SerializerId = 4712;

    /// <summary>
    /// With the relaxed encoder: this JSON only goes from node to node and is never embedded in HTML, so an SDP keeps
    /// its <c>+</c> and a display name its accents instead of growing <c>\u002B</c> escapes.
    /// </summary>
    private static readonly JanusMessageJsonContext Wire =
        new(new JsonSerializerOptions(JanusMessageJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private readonly ManifestFormats _formats;

    public JanusMessageSerializer(ExtendedActorSystem system) : base(system)
    {
        _formats = new ManifestFormats("Janus session message",
        [
            ManifestFormat.Json("create-session", Wire.CreateSession),
            ManifestFormat.Json("get-session", Wire.GetSession),
            ManifestFormat.Json("attach-handle", Wire.AttachHandle),
            ManifestFormat.Json("plugin-message", Wire.SendPluginMessage),
            ManifestFormat.Json("trickle", Wire.Trickle),
            ManifestFormat.Json("hangup", Wire.Hangup),
            ManifestFormat.Json("detach-handle", Wire.DetachHandle),
            ManifestFormat.Json("destroy-session", Wire.DestroySession),
            ManifestFormat.Json("subscribe", Wire.SubscriptionJson,
                (SubscribeToSession s) => new SubscriptionJson(s.Key, PathOf(s.Subscriber)), w => new SubscribeToSession(w.Key, Resolve(w.Subscriber))),
            ManifestFormat.Json("unsubscribe", Wire.SubscriptionJson,
                (UnsubscribeFromSession u) => new SubscriptionJson(u.Key, PathOf(u.Subscriber)), w => new UnsubscribeFromSession(w.Key, Resolve(w.Subscriber))),

            ManifestFormat.Json("session-info", Wire.JanusSessionInfo),
            ManifestFormat.Json("handle-attached", Wire.HandleAttachedReply),
            ManifestFormat.Json("plugin-reply", Wire.PluginReply),
            ManifestFormat.Json("done", Wire.CommandDone),
            ManifestFormat.Json("list-sessions", Wire.ListSessions),
            ManifestFormat.Json("list-node-sessions", Wire.ListNodeSessions),
            ManifestFormat.Json("session-list", Wire.SessionList),

            ManifestFormat.Json("janus-event", Wire.JanusEventReceived),
            ManifestFormat.Json("session-reclaimed", Wire.SessionReclaimed),
            ManifestFormat.Json("session-ended", Wire.SessionEnded),

            ManifestFormat.Json("server-drain", Wire.ServerDrainChanged),
            ManifestFormat.Json("server-load", Wire.ServerLoadReport),
        ]);
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => _formats.Manifest(o);

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => _formats.Write(obj);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => _formats.Read(bytes, manifest);

    /// <summary>With this node's address (or the one of the connection being written), so other nodes can reach it.</summary>
    private static string PathOf(IActorRef actor) => Akka.Serialization.Serialization.SerializedActorPath(actor);

    private IActorRef Resolve(string path) => system.Provider.ResolveActorRef(path);
}
