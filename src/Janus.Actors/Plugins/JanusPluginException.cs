namespace Janus.Actors.Plugins;

/// <summary>
/// A plugin refused a request: its <see cref="Code"/> and <see cref="Reason"/> as the plugin sent them (<c>error_code</c>,
/// <c>error</c>). Catch <see cref="JanusPluginException{TError}"/> for the code as the plugin's enum.
/// </summary>
public class JanusPluginException(string plugin, string request, int code, string reason)
    : JanusException($"{plugin} refused {request}: {code} {reason}")
{
    /// <summary>The plugin's package name, e.g. <c>janus.plugin.videoroom</c>.</summary>
    public string Plugin { get; } = plugin;

    /// <summary>The refused request, e.g. <c>join</c>.</summary>
    public string Request { get; } = request;

    public int Code { get; } = code;

    public string Reason { get; } = reason;
}

/// <summary>A plugin's refusal with its code as the plugin's enum (<see cref="SipErrorCode"/>, <see cref="VideoRoomErrorCode"/>, …).</summary>
public sealed class JanusPluginException<TError>(string plugin, string request, int code, string reason)
    : JanusPluginException(plugin, request, code, reason) where TError : struct, Enum
{
    /// <summary>The code as the plugin's enum; a code the enum does not name keeps its number.</summary>
    public TError Error => (TError)Enum.ToObject(typeof(TError), Code);
}
