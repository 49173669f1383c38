namespace Janus.Actors.Sessions;

/// <summary>
/// What a handle is for, as its session learned it from the plugin requests it carried and their answers, journaled so
/// that recovery needs no application code: a SIP account (<see cref="Identity"/>, <see cref="Proxy"/>; never the secret),
/// a VideoRoom publisher or subscriber (<see cref="Room"/>, <see cref="Id"/> its feed, <see cref="Feeds"/>), an AudioBridge
/// participant (<see cref="Room"/>, <see cref="Id"/>), a Streaming viewer (<see cref="Mountpoint"/>). A room member's
/// <see cref="Participants"/> is the room as this handle last knew it (from its join and the room's events), the list
/// <see cref="RoomResynced"/> compares with after a reclaim.
/// </summary>
public sealed record HandleContext
{
    /// <summary><c>account</c> (SIP), <c>publisher</c> or <c>subscriber</c> (VideoRoom), <c>participant</c> (AudioBridge), <c>viewer</c> (Streaming).</summary>
    public required string Role { get; init; }
    public string? Identity { get; init; }
    public string? Proxy { get; init; }
    public long? Room { get; init; }
    public long? Id { get; init; }
    public string? Display { get; init; }
    public IReadOnlyList<long>? Feeds { get; init; }
    public long? Mountpoint { get; init; }
    public IReadOnlyList<RoomParticipant>? Participants { get; init; }

    /// <summary>By value, lists item by item: an unchanged context is not journaled again.</summary>
    public bool Equals(HandleContext? other) =>
        other is not null && Role == other.Role && Identity == other.Identity && Proxy == other.Proxy && Room == other.Room && Id == other.Id &&
        Display == other.Display && Mountpoint == other.Mountpoint && Same(Feeds, other.Feeds) && Same(Participants, other.Participants);

    public override int GetHashCode() => HashCode.Combine(Role, Identity, Room, Id, Mountpoint, Feeds?.Count, Participants?.Count);

    private static bool Same<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}

/// <summary>Another member of a room: <see cref="Publisher"/> (VideoRoom) or <see cref="Muted"/> (AudioBridge) when known.</summary>
public sealed record RoomParticipant(long Id, string? Display)
{
    public bool? Publisher { get; init; }
    public bool? Muted { get; init; }
}
