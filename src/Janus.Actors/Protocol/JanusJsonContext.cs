using System.Text.Json.Serialization;

namespace Janus.Actors.Protocol;

/// <summary>Source-generated System.Text.Json metadata for the wire protocol: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JanusRequest))]
[JsonSerializable(typeof(JanusMessage))]
[JsonSerializable(typeof(JanusMessage[]))]
internal sealed partial class JanusJsonContext : JsonSerializerContext;
