using System.Text.Json.Serialization;
using Janus.Actors.Persistence;
using Janus.Actors.Sessions;
using static Janus.Actors.Registry.SessionRegistryProtocol;

namespace Janus.Actors.Serialization;

/// <summary>
/// Source-generated System.Text.Json metadata for the messages that cross cluster nodes. The JSON it writes is the
/// wire format between nodes of different builds during a rolling upgrade: property and enum names are camelCase
/// (a <see cref="Protocol.JanusMessage"/> keeps Janus's own names) and must not change once released.
/// Computed members (<see cref="SessionReclaimed.EventsMayHaveBeenMissed"/>) are not written.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    Converters = [typeof(TransportKindJsonConverter)])]
[JsonSerializable(typeof(CreateSession))]
[JsonSerializable(typeof(GetSession))]
[JsonSerializable(typeof(AttachHandle))]
[JsonSerializable(typeof(SendPluginMessage))]
[JsonSerializable(typeof(Trickle))]
[JsonSerializable(typeof(Hangup))]
[JsonSerializable(typeof(DetachHandle))]
[JsonSerializable(typeof(DestroySession))]
[JsonSerializable(typeof(SubscriptionJson))]
[JsonSerializable(typeof(JanusSessionInfo))]
[JsonSerializable(typeof(HandleAttachedReply))]
[JsonSerializable(typeof(PluginReply))]
[JsonSerializable(typeof(CommandDone))]
[JsonSerializable(typeof(ListSessions))]
[JsonSerializable(typeof(ListNodeSessions))]
[JsonSerializable(typeof(SessionList))]
[JsonSerializable(typeof(JanusEventReceived))]
[JsonSerializable(typeof(SessionReclaimed))]
[JsonSerializable(typeof(SessionEnded))]
[JsonSerializable(typeof(ServerDrainChanged))]
[JsonSerializable(typeof(ServerLoadReport))]
internal sealed partial class JanusMessageJsonContext : JsonSerializerContext;

/// <summary>
/// <see cref="SubscribeToSession"/> and <see cref="UnsubscribeFromSession"/> on the wire: the subscriber as its serialized actor path
/// (with the sending node's address), resolved to an actor reference on the receiving node.
/// </summary>
internal sealed record SubscriptionJson(string Key, string Subscriber);
