using System.Text.Json;

namespace Janus.Actors.Sessions;

/// <summary>
/// A room as one member's handle knows it (<see cref="HandleContext.Participants"/>): kept from its join's answer and
/// the room's events — VideoRoom <c>publishers</c>, <c>unpublished</c>, <c>joining</c>, <c>leaving</c>; AudioBridge
/// <c>participants</c> (joined or changed), <c>leaving</c> — and compared with the room's listing after a reclaim
/// (<see cref="RoomResynced"/>). The member itself is never in it.
/// </summary>
internal static class RoomRosters
{
    /// <summary>The roster after <paramref name="data"/> (a join's answer or an event of the room's plugin).</summary>
    public static IReadOnlyList<RoomParticipant> Apply(string plugin, IReadOnlyList<RoomParticipant> roster, long? self, JsonElement data)
    {
        var byId = roster.ToDictionary(p => p.Id);
        if (plugin == HandleContexts.VideoRoom)
        {
            foreach (var publisher in Json.Array(data, "publishers"))
                if (Json.Number(publisher, "id") is { } id)
                    byId[id] = (byId.GetValueOrDefault(id) ?? new RoomParticipant(id, Json.String(publisher, "display"))) with { Publisher = true };
            if (Json.Object(data, "joining") is { } joining && Json.Number(joining, "id") is { } joiner)
                byId[joiner] = byId.GetValueOrDefault(joiner) ?? new RoomParticipant(joiner, Json.String(joining, "display")) { Publisher = false };
            if (Json.Number(data, "unpublished") is { } unpublished && byId.TryGetValue(unpublished, out var was))
                byId[unpublished] = was with { Publisher = false };
        }
        else
        {
            foreach (var participant in Json.Array(data, "participants"))
                if (Json.Number(participant, "id") is { } id)
                    byId[id] = new RoomParticipant(id, Json.String(participant, "display")) { Muted = Json.Bool(participant, "muted") };
        }
        if (Json.Number(data, "leaving") is { } leaving) byId.Remove(leaving);
        if (self is { } me) byId.Remove(me);
        return byId.Values.OrderBy(p => p.Id).ToList();
    }

    /// <summary>The room now (a <c>listparticipants</c> answer), and what changed since <paramref name="before"/>.</summary>
    public static RoomResynced Compare(long handleId, string plugin, long room, long? self, IReadOnlyList<RoomParticipant> before, JsonElement listing)
    {
        var now = Json.Array(listing, "participants")
            .Select(p => Json.Number(p, "id") is { } id
                ? new RoomParticipant(id, Json.String(p, "display"))
                {
                    Publisher = plugin == HandleContexts.VideoRoom ? Json.Bool(p, "publisher") ?? false : null,
                    Muted = plugin == HandleContexts.AudioBridge ? Json.Bool(p, "muted") : null,
                }
                : null)
            .OfType<RoomParticipant>().Where(p => p.Id != self).OrderBy(p => p.Id).ToList();
        var known = before.ToDictionary(p => p.Id);
        var stayed = now.Where(p => known.ContainsKey(p.Id)).ToList();
        return new RoomResynced(handleId, plugin, room, now)
        {
            IsMember = Json.Array(listing, "participants").Any(p => Json.Number(p, "id") == self),
            Joined = now.Where(p => !known.ContainsKey(p.Id)).ToList(),
            Left = before.Where(p => now.All(n => n.Id != p.Id)).ToList(),
            Published = now.Where(p => p.Publisher == true && known.GetValueOrDefault(p.Id)?.Publisher != true).ToList(),
            Unpublished = stayed.Where(p => p.Publisher == false && known[p.Id].Publisher == true).ToList(),
            Changed = stayed.Where(p => p.Muted is not null && known[p.Id].Muted is not null && p.Muted != known[p.Id].Muted).ToList(),
        };
    }
}
