using System.Text.Json;
using System.Text.Json.Serialization;
using Janus.Actors.Transports;
using static Janus.Actors.Sessions.JanusSessionEvents;

namespace Janus.Actors.Persistence;

/// <summary>
/// Source-generated System.Text.Json metadata for the persisted session events. The JSON it writes is the
/// journal format: property and enum names are camelCase and must not change once released.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(TransportKindJsonConverter)])]
[JsonSerializable(typeof(SessionCreated))]
[JsonSerializable(typeof(SessionCreatedBeforeServers))]
[JsonSerializable(typeof(HandleAttached))]
[JsonSerializable(typeof(HandleDetached))]
[JsonSerializable(typeof(HandleContextChanged))]
[JsonSerializable(typeof(SessionLost))]
[JsonSerializable(typeof(SessionDestroyed))]
internal sealed partial class JanusEventJsonContext : JsonSerializerContext;

/// <summary>Writes <see cref="JanusTransportKind"/> as <c>"webSocket"</c> / <c>"rest"</c>, never as a number.</summary>
internal sealed class TransportKindJsonConverter()
    : JsonStringEnumConverter<JanusTransportKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
