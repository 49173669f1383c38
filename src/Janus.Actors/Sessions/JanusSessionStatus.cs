using System.Text.Json.Serialization;

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

/// <summary>The lower-case names of <see cref="JanusSessionStatus"/> that the HTTP API, its JSON and the metrics use.</summary>
public static class JanusSessionStatusNames
{
    /// <summary><c>creating</c>, <c>active</c>, <c>reclaiming</c>, <c>lost</c> or <c>destroyed</c>.</summary>
    public static string ToName(this JanusSessionStatus status) => status switch
    {
        JanusSessionStatus.Creating => "creating",
        JanusSessionStatus.Active => "active",
        JanusSessionStatus.Reclaiming => "reclaiming",
        JanusSessionStatus.Lost => "lost",
        JanusSessionStatus.Destroyed => "destroyed",
        _ => status.ToString().ToLowerInvariant(),
    };
}
