using System.Text.Json.Serialization;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

/// <summary>What a user sees of a session's life: create or adopt → active → reclaiming → active | lost; or destroyed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JanusSessionStatus>))]
public enum JanusSessionStatus
{
    [JsonStringEnumMemberName("creating")] Creating,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("reclaiming")] Reclaiming,
    [JsonStringEnumMemberName("lost")] Lost,
    [JsonStringEnumMemberName("destroyed")] Destroyed,
}

/// <summary>
/// A snapshot of one session, as the API and the status page show it. <see cref="Reclaims"/> counts the claims since
/// the session's actor last started (this process's start, or in a cluster the node that hosts it now): 1 after a crash,
/// one more for each lost connection since. <see cref="Node"/> is the cluster node hosting the session
/// (<c>host:port</c>), or null outside a cluster.
/// </summary>
public sealed record JanusSessionInfo(
    string Key,
    long? JanusSessionId,
    JanusSessionStatus State,
    JanusTransportKind Transport,
    IReadOnlyList<JanusHandle> Handles,
    JanusSessionError? LastError,
    int Reclaims,
    string? Node = null);
