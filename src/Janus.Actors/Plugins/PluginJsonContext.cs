using System.Text.Json.Serialization;

namespace Janus.Actors.Plugins;

/// <summary>
/// Source-generated metadata for the plugins' answers and events, under Janus's snake_case names. Each record keeps the
/// members it does not name in its <c>Extra</c>, so a newer Janus adding members breaks nothing.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(SipEvent))]
[JsonSerializable(typeof(VideoRoomAnswer))]
[JsonSerializable(typeof(AudioBridgeAnswer))]
[JsonSerializable(typeof(StreamingAnswer))]
[JsonSerializable(typeof(TextRoomAnswer))]
[JsonSerializable(typeof(EchoTestAnswer))]
internal sealed partial class PluginJsonContext : JsonSerializerContext;
