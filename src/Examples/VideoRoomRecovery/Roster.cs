using System.Text.Json;

namespace VideoRoomRecovery;

/// <summary>
/// Who the backend believes is in the room: its own participant id and everyone's display name by participant id.
/// Kept in a JSON file, standing in for the application's database: it survives a crash, and it goes stale while the
/// backend is down — which is what the resynchronisation after a reclaim repairs.
/// </summary>
public sealed record Roster(long? MyId, IReadOnlyDictionary<long, string> Participants)
{
    public static readonly Roster Empty = new(null, new Dictionary<long, string>());

    public static Roster Load(string file) =>
        File.Exists(file) ? JsonSerializer.Deserialize<Roster>(File.ReadAllText(file)) ?? Empty : Empty;

    /// <summary>Written to a temp file and moved into place, so a crash never leaves half a roster.</summary>
    public void Save(string file)
    {
        var temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, file, overwrite: true);
    }

    public Roster With(long id, string display) => this with { Participants = new Dictionary<long, string>(Participants) { [id] = display } };

    public Roster Without(long id)
    {
        var participants = new Dictionary<long, string>(Participants);
        participants.Remove(id);
        return this with { Participants = participants };
    }

    public string NameOf(long id) => Participants.TryGetValue(id, out var display) ? display : id.ToString();

    /// <summary>Display names, sorted: "alice, backend".</summary>
    public override string ToString() => string.Join(", ", Participants.Values.Order(StringComparer.Ordinal));
}
