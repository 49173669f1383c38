using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Janus.Actors.Servers;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>POST /v1/sessions</c>. Members are nullable so that a missing one is a 400 we word, not a binder error.
/// <see cref="Server"/> names the Janus server (required to adopt when several are configured); without it the session
/// is placed, preferring <see cref="Zone"/> when given.
/// </summary>
public sealed record CreateSessionRequest(string Key, string? Transport = null, long? AdoptJanusSessionId = null, string? Server = null, string? Zone = null);

/// <summary><c>POST /v1/sessions/{key}/handles</c>.</summary>
public sealed record AttachHandleRequest(string Plugin, string? OpaqueId = null);

/// <summary><c>POST /v1/sessions/{key}/handles/{handleId}/messages</c>: a plugin message and an optional JSEP.</summary>
public sealed record SendMessageRequest(JsonElement? Body, JsonElement? Jsep = null);

/// <summary>
/// <c>POST /v1/sessions/{key}/handles/{handleId}/trickle</c>: one ICE candidate as the browser's RTCIceCandidate gives
/// it (<c>candidate</c>, <c>sdpMid</c>, <c>sdpMLineIndex</c>), or <c>{"completed":true}</c> when gathering is over.
/// </summary>
public sealed record TrickleRequest(JsonElement? Candidate);

/// <summary>A session as the API shows it. <see cref="JanusSessionId"/> is a capability: only authenticated callers see it.</summary>
public sealed record SessionResponse(
    string Key,
    long? JanusSessionId,
    JanusSessionStatus State,
    string Transport,
    IReadOnlyList<HandleResponse> Handles,
    SessionErrorResponse? LastError,
    int Reclaims,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node,
    string Server)
{
    public static SessionResponse From(JanusSessionInfo info) => new(
        info.Key,
        info.JanusSessionId,
        info.State,
        TransportNames.Name(info.Transport),
        info.Handles.Select(h => new HandleResponse(h.HandleId, h.Plugin, h.Context)).ToArray(),
        info.LastError is { } e ? new SessionErrorResponse(e.Code, e.Reason) : null,
        info.Reclaims,
        info.Node,
        info.Server);
}

/// <summary>
/// <c>GET /v1/servers</c>: a Janus server as this host sees it — <c>state</c> is up, draining, unreachable or retired;
/// <c>liveSessions</c> counts its sessions not ended (in a cluster: the whole cluster's, as last reported), and
/// <c>liveRestSessions</c> the REST ones among them against <c>restSessionLimit</c> (its REST connection budget, without a
/// REST URL absent); <c>janus</c> is what its <c>info</c> last said. No URL or secret is shown.
/// </summary>
public sealed record ServerResponse(
    string Name,
    string State,
    long LiveSessions,
    long LiveRestSessions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RestSessionLimit,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Capacity,
    int Weight,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Zone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ServerInfoResponse? Janus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Problem)
{
    public static ServerResponse From(JanusServerStatus server) => new(
        server.Name,
        server.State.ToString().ToLowerInvariant(),
        server.LiveSessions,
        server.LiveRestSessions,
        server.RestSessionLimit,
        server.Settings.Capacity,
        server.Settings.Weight,
        server.Settings.Zone,
        server.Info is { } info
            ? new ServerInfoResponse(info.Version, info.SessionTimeoutSeconds, info.ReclaimSessionTimeoutSeconds, info.AcceptingNewSessions)
            : null,
        server.Problem);
}

/// <summary>What a server's <c>info</c> said.</summary>
public sealed record ServerInfoResponse(string? Version, int SessionTimeout, int ReclaimSessionTimeout, bool AcceptingNewSessions);

/// <summary>
/// <c>POST /v1/servers/{name}/drain</c> and <c>/undrain</c>: the server afterwards, and whether Janus itself was told
/// (<c>janusTold</c>; when not, <c>adminProblem</c> says why — placement skips a drained server either way).
/// </summary>
public sealed record DrainResponse(
    ServerResponse Server,
    bool JanusTold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AdminProblem);

/// <summary>
/// A handle, and what it is for once its session has learned it from the plugin requests it carried (<c>context</c>: a
/// SIP account, a VideoRoom publisher or subscriber, an AudioBridge participant, a Streaming viewer, with the room as the
/// handle last knew it).
/// </summary>
public sealed record HandleResponse(
    long HandleId, string Plugin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HandleContext? Context = null);

/// <summary><c>GET /v1/session-counts</c>: every session this host can list, and how many are in each state.</summary>
public sealed record SessionCountsResponse(int Total, IReadOnlyDictionary<string, int> States);

public sealed record SessionErrorResponse(int? Code, string Reason);

public sealed record HandleAttachedResponse(long HandleId);

/// <summary>The plugin's answer, under Janus's own member names.</summary>
public sealed record PluginReplyResponse(
    [property: JsonPropertyName("plugindata")] JsonElement? PluginData,
    [property: JsonPropertyName("jsep")] JsonElement? Jsep);

public sealed record HealthResponse(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary><c>GET /readyz</c>: <c>ready</c> with what Janus's <c>info</c> said, or <c>unavailable</c> with the reasons.</summary>
public sealed record ReadinessResponse(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JanusServerResponse? Janus);

/// <summary>Janus's <c>info</c>: version and the two timeouts crash survival depends on (seconds).</summary>
public sealed record JanusServerResponse(string? Version, int SessionTimeout, int ReclaimSessionTimeout);

/// <summary><c>GET /v1/cluster</c>: this node, the leader, and every member as <c>host:port</c>.</summary>
public sealed record ClusterResponse(string Self, string? Leader, IReadOnlyList<ClusterMemberResponse> Members, IReadOnlyList<string> Unreachable);

/// <summary>A member and its status: joining, up, leaving, exiting, down, removed, weaklyup.</summary>
public sealed record ClusterMemberResponse(string Node, string Status);

/// <summary>Server-sent event payloads (see <see cref="EventStream"/>).</summary>
public sealed record ReclaimedNotice(string Key, bool EventsMayHaveBeenMissed);

/// <summary>The <c>missed</c> event: the stream named by <c>Last-Event-ID</c> is gone, notices since may have been missed.</summary>
public sealed record MissedNotice(string Key, bool EventsMayHaveBeenMissed);

public sealed record EndedNotice(string Key, JanusSessionStatus State, SessionErrorResponse? Error);

/// <summary>
/// The <c>handleResynced</c> event, before <c>reclaimed</c>: a handle's plugin state after a reclaim (Janus's Admin API
/// <c>handle_info</c> <c>plugin_specific</c>, as Janus wrote it: SIP <c>registration_status</c> and <c>call_status</c>,
/// VideoRoom <c>room</c> and <c>id</c>, AudioBridge <c>muted</c>, …) and whether its WebRTC negotiation had completed.
/// </summary>
public sealed record HandleResyncedNotice(string Key, long HandleId, string Plugin, JsonElement State, bool Negotiated);

/// <summary>
/// The <c>pendingOffer</c> event, before <c>reclaimed</c>: an offer or a call that rang while no process owned the session
/// and waits for an answer — <c>jsep</c> the WebRTC offer Janus made (absent for a SIP INVITE without SDP), <c>caller</c>
/// the SIP caller's URI. Answer it as you would have answered its event (SIP <c>accept</c> or <c>decline</c>).
/// </summary>
public sealed record PendingOfferNotice(
    string Key, long HandleId, string Plugin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Jsep,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Caller);

/// <summary>The <c>handleGone</c> event, before <c>reclaimed</c>: Janus no longer has the handle; the session forgot it.</summary>
public sealed record HandleGoneNotice(string Key, long HandleId, string Plugin);

/// <summary>
/// The <c>handleNotResynced</c> event, before <c>reclaimed</c>: the handle's state after the gap could not be read
/// (<c>reason</c>: no Admin API configured for its server, or no answer).
/// </summary>
public sealed record HandleNotResyncedNotice(string Key, long HandleId, string Plugin, string Reason);

/// <summary>
/// The <c>roomResynced</c> event, before <c>reclaimed</c>: a room the handle is a member of, listed again after the reclaim
/// and compared with the room as it last knew it — who joined, left, published, unpublished, or changed mute during the gap;
/// <c>isMember</c>: whether the handle itself is still in the room.
/// </summary>
public sealed record RoomResyncedNotice(
    string Key, long HandleId, string Plugin, long Room, bool IsMember, IReadOnlyList<RoomParticipant> Participants,
    IReadOnlyList<RoomParticipant> Joined, IReadOnlyList<RoomParticipant> Left, IReadOnlyList<RoomParticipant> Published,
    IReadOnlyList<RoomParticipant> Unpublished, IReadOnlyList<RoomParticipant> Changed);

/// <summary>
/// The <c>janus-event</c> event: a message Janus sent for the session (an <c>event</c> with its <c>plugindata</c>,
/// <c>webrtcup</c>, <c>media</c>, <c>hangup</c>, <c>detached</c>, …) as Janus wrote it. <see cref="EventStream"/> writes
/// this shape directly, the event's JSON untouched.
/// </summary>
public sealed record JanusEventNotice(string Key, JsonElement Event);

/// <summary>The API's names for <see cref="JanusTransportKind"/>.</summary>
public static class TransportNames
{
    public const string WebSocket = "websocket";
    public const string Rest = "rest";

    public static string Name(JanusTransportKind kind) => kind.ToName();

    public static JanusTransportKind? Parse(string? name) => name switch
    {
        WebSocket => JanusTransportKind.WebSocket,
        Rest => JanusTransportKind.Rest,
        _ => null,
    };
}

/// <summary>
/// Source-generated JSON metadata for the HTTP API (camelCase). Use <see cref="Api"/>: its encoder leaves quotes and
/// apostrophes in error messages readable (the API only serves application/json, never HTML).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(AttachHandleRequest))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(TrickleRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(SessionResponse[]))]
[JsonSerializable(typeof(SessionCountsResponse))]
[JsonSerializable(typeof(HandleAttachedResponse))]
[JsonSerializable(typeof(PluginReplyResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(ReadinessResponse))]
[JsonSerializable(typeof(ReclaimedNotice))]
[JsonSerializable(typeof(EndedNotice))]
[JsonSerializable(typeof(MissedNotice))]
[JsonSerializable(typeof(HandleResyncedNotice))]
[JsonSerializable(typeof(PendingOfferNotice))]
[JsonSerializable(typeof(HandleGoneNotice))]
[JsonSerializable(typeof(HandleNotResyncedNotice))]
[JsonSerializable(typeof(RoomResyncedNotice))]
[JsonSerializable(typeof(JanusEventNotice))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(ServerResponse[]))]
[JsonSerializable(typeof(DrainResponse))]
public sealed partial class HostJsonContext : JsonSerializerContext
{
    public static HostJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Numbers are JSON numbers (Janus ids fit in 53 bits): the web defaults' numbers-as-strings would make every id
        // "integer or string" in the OpenAPI document, and in every client generated from it.
        NumberHandling = JsonNumberHandling.Strict,
    });
}
