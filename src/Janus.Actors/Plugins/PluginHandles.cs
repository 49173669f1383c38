using Janus.Actors.Hosting;

namespace Janus.Actors.Plugins;

/// <summary>Typed views of a session's plugin handles: <c>sessions.Sip(key, handleId).RegisterAsync(...)</c>.</summary>
public static class PluginHandles
{
    /// <summary>A <c>janus.plugin.sip</c> handle.</summary>
    public static SipHandle Sip(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);

    /// <summary>A <c>janus.plugin.videoroom</c> handle.</summary>
    public static VideoRoomHandle VideoRoom(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);

    /// <summary>A <c>janus.plugin.audiobridge</c> handle.</summary>
    public static AudioBridgeHandle AudioBridge(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);

    /// <summary>A <c>janus.plugin.streaming</c> handle.</summary>
    public static StreamingHandle Streaming(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);

    /// <summary>A <c>janus.plugin.textroom</c> handle (its synchronous API; chat itself flows over a data channel).</summary>
    public static TextRoomHandle TextRoom(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);

    /// <summary>A <c>janus.plugin.echotest</c> handle.</summary>
    public static EchoTestHandle EchoTest(this IJanusSessions sessions, string key, long handleId) => new(sessions, key, handleId);
}
