namespace Janus.Actors.Protocol;

/// <summary>Values of the <c>janus</c> member that a session reacts to.</summary>
public static class JanusMessageKinds
{
    public const string Success = "success";
    public const string Ack = "ack";
    public const string Error = "error";
    public const string ServerInfo = "server_info";
    public const string Event = "event";
    public const string WebRtcUp = "webrtcup";
    public const string Media = "media";
    public const string SlowLink = "slowlink";
    public const string Hangup = "hangup";
    public const string Detached = "detached";
    public const string Trickle = "trickle";
    public const string Timeout = "timeout";
    /// <summary>What an idle REST long poll returns after 30 s; carries nothing.</summary>
    public const string KeepAlive = "keepalive";

    /// <summary>True for messages that are events about a session or handle rather than replies.</summary>
    public static bool IsEvent(string kind) => kind is Event or WebRtcUp or Media or SlowLink or Hangup or Detached or Trickle or Timeout;
}
