using Akka.Actor;
using Akka.Serialization;
using Janus.Actors.Sessions;
using static Janus.Actors.Sessions.JanusSessionCommands;
using static Janus.Actors.Sessions.JanusSessionNotices;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Serialization;

/// <summary>
/// Serializes the messages that cross cluster nodes — every <see cref="IJanusSessionCommand"/>, the replies to them
/// and every <see cref="IJanusSessionNotice"/> — as camelCase JSON (System.Text.Json, source generated) under short,
/// stable manifests, so no message between nodes goes through Akka's Newtonsoft default (CLR type names on the wire,
/// reflection). Failures travel as <see cref="Status.Failure"/> through Akka.Remote's own serializer.
/// Registered by <c>hocon/janus-actors.conf</c>.
/// </summary>
public sealed class JanusMessageSerializer : SerializerWithStringManifest
{
    /// <summary>
    /// The serializer id sent with every message. Outside Akka's reserved range (0–100) and next to
    /// <see cref="Persistence.JanusEventSerializer.SerializerId"/>; every node of a cluster must agree on it.
    /// </summary>
    public const int SerializerId = 4712;

    private readonly ManifestFormats _formats;

    public JanusMessageSerializer(ExtendedActorSystem system) : base(system)
    {
        var json = JanusMessageJsonContext.Default;
        _formats = new ManifestFormats("Janus session message",
        [
            ManifestFormat.Json("create-session", json.CreateSession),
            ManifestFormat.Json("get-session", json.GetSession),
            ManifestFormat.Json("attach-handle", json.AttachHandle),
            ManifestFormat.Json("plugin-message", json.SendPluginMessage),
            ManifestFormat.Json("trickle", json.Trickle),
            ManifestFormat.Json("hangup", json.Hangup),
            ManifestFormat.Json("detach-handle", json.DetachHandle),
            ManifestFormat.Json("destroy-session", json.DestroySession),
            ManifestFormat.Json("subscribe", json.SubscriptionJson,
                (Subscribe s) => new SubscriptionJson(s.Key, PathOf(s.Subscriber)), w => new Subscribe(w.Key, Resolve(w.Subscriber))),
            ManifestFormat.Json("unsubscribe", json.SubscriptionJson,
                (Unsubscribe u) => new SubscriptionJson(u.Key, PathOf(u.Subscriber)), w => new Unsubscribe(w.Key, Resolve(w.Subscriber))),

            ManifestFormat.Json("session-info", json.JanusSessionInfo),
            ManifestFormat.Json("handle-attached", json.HandleAttachedReply),
            ManifestFormat.Json("plugin-reply", json.PluginReply),
            ManifestFormat.Json("done", json.Done),
            ManifestFormat.Json("list-sessions", json.ListSessions),
            ManifestFormat.Json("session-list", json.SessionList),

            ManifestFormat.Json("janus-event", json.JanusEventReceived),
            ManifestFormat.Json("session-reclaimed", json.SessionReclaimed),
            ManifestFormat.Json("session-ended", json.SessionEnded),
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
