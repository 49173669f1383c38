using System.Text.Json;

namespace Janus.Actors.Sessions;

/// <summary>The answer to <see cref="AttachHandle"/>: the new handle's id, persisted.</summary>
public sealed record HandleAttachedReply(long HandleId);

/// <summary>The plugin's answer to <see cref="SendPluginMessage"/>: its <c>plugindata</c> and, when it sent one, a <c>jsep</c>.</summary>
public sealed record PluginReply(JsonElement? PluginData, JsonElement? Jsep);

/// <summary>
/// The answer to a command that returns nothing (<see cref="Trickle"/>, <see cref="Hangup"/>, <see cref="DetachHandle"/>,
/// <see cref="DestroySession"/>, <see cref="SubscribeToSession"/>): Janus acknowledged it and, where it changes the session, it is persisted.
/// </summary>
public sealed record CommandDone
{
    public static readonly CommandDone Instance = new();
}
