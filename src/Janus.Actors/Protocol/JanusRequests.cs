using System.Text.Json;

namespace Janus.Actors.Protocol;

/// <summary>Factories for every request a session sends to Janus.</summary>
public static class JanusRequests
{
    /// <summary>The <c>janus</c> of a plugin message, the one request answered by an ack and then an event.</summary>
    internal const string PluginMessage = "message";

    public static JanusRequest Info(string transaction) =>
        new() { Janus = "info", Transaction = transaction };

    public static JanusRequest Create(string transaction) =>
        new() { Janus = "create", Transaction = transaction };

    public static JanusRequest Claim(string transaction, long sessionId) =>
        new() { Janus = "claim", Transaction = transaction, SessionId = sessionId };

    public static JanusRequest KeepAlive(string transaction, long sessionId) =>
        new() { Janus = "keepalive", Transaction = transaction, SessionId = sessionId };

    public static JanusRequest Destroy(string transaction, long sessionId) =>
        new() { Janus = "destroy", Transaction = transaction, SessionId = sessionId };

    public static JanusRequest Attach(string transaction, long sessionId, string plugin, string? opaqueId = null) =>
        new() { Janus = "attach", Transaction = transaction, SessionId = sessionId, Plugin = plugin, OpaqueId = opaqueId };

    public static JanusRequest Message(string transaction, long sessionId, long handleId, JsonElement body, JsonElement? jsep = null) =>
        new() { Janus = PluginMessage, Transaction = transaction, SessionId = sessionId, HandleId = handleId, Body = body, Jsep = jsep };

    public static JanusRequest Trickle(string transaction, long sessionId, long handleId, JsonElement candidate) =>
        new() { Janus = "trickle", Transaction = transaction, SessionId = sessionId, HandleId = handleId, Candidate = candidate };

    public static JanusRequest Hangup(string transaction, long sessionId, long handleId) =>
        new() { Janus = "hangup", Transaction = transaction, SessionId = sessionId, HandleId = handleId };

    public static JanusRequest Detach(string transaction, long sessionId, long handleId) =>
        new() { Janus = "detach", Transaction = transaction, SessionId = sessionId, HandleId = handleId };
}
