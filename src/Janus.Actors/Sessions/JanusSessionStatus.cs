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
