using System.Text.Json;
using Janus.Actors.Examples;
using Janus.Actors.Hosting;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoRoomRecovery;

/// <summary>The room a backend takes part in, and where it keeps its view of who is in it.</summary>
public sealed record RoomMemberOptions
{
    /// <summary>Our name for the Janus session that holds the participant; it survives restarts in the journal.</summary>
    public string SessionKey { get; init; } = "room-1234-backend";

    public long Id { get; init; } = 1234;

    public string Display { get; init; } = "backend";

    /// <summary>The backend's own record of the room (its "database").</summary>
    public string RosterFile { get; init; } = "data/roster.json";
}

/// <summary>
/// A backend that takes part in a videoroom as a publisher without media (a recorder, a moderator bot, the server
/// side of a classroom) and keeps a roster of who is in the room from <c>joining</c>/<c>leaving</c> events. After a
/// crash the library reclaims its Janus session, so it is still in the room under the same participant id; but the
/// events of the gap are lost, so on <see cref="SessionReclaimed"/> it resynchronises the roster with
/// <c>listparticipants</c> and reports who joined or left meanwhile.
/// </summary>
public sealed class RoomMember(IJanusSessions sessions, IOptions<RoomMemberOptions> options, ILogger<RoomMember> logger, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private const string VideoRoomPlugin = "janus.plugin.videoroom";

    /// <summary>The videoroom plugin's error for a <c>create</c> of a room that exists.</summary>
    private const int RoomExists = 427;

    private readonly RoomMemberOptions _room = options.Value;
    private Roster _roster = Roster.Empty;
    private string Key => _room.SessionKey;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // First start: created. Later starts: the journal has the key and the library is already reclaiming it.
        var (_, created) = await sessions.CreateOrResumeAsync(Key, JanusTransportKind.WebSocket, stopping);

        // Subscribe before the first request, so no joining/leaving after it can slip past us.
        await using var notices = sessions.EventsAsync(Key, stopping).GetAsyncEnumerator(stopping);
        var next = notices.MoveNextAsync();

        var session = await sessions.GetAsync(Key, stopping) ?? throw new InvalidOperationException($"{Key} vanished");
        var handle = session.Handles.FirstOrDefault(h => h.Plugin == VideoRoomPlugin)?.HandleId;
        _roster = Roster.Load(_room.RosterFile);
        if (handle is null || _roster.MyId is null)
        {
            handle ??= await sessions.AttachAsync(Key, VideoRoomPlugin, cancellationToken: stopping);
            logger.LogInformation("Room member {SessionKey}: {Origin} Janus session {JanusSessionId}, videoroom handle {HandleId}",
                Key, created ? "created" : "resumed", session.JanusSessionId, handle);
            await JoinAsync(handle.Value, stopping);
        }
        else
        {
            // After a restart the library has recovered the session from the journal and reclaims it on its own;
            // the roster on disk is as stale as the downtime was long.
            logger.LogInformation("Room member {SessionKey}: resumed Janus session {JanusSessionId} ({State}), videoroom handle {HandleId}; roster on disk: {Roster}",
                Key, session.JanusSessionId, session.State.ToString().ToLowerInvariant(), handle, _roster);
        }

        while (await next)
        {
            if (!await OnNoticeAsync(notices.Current, handle.Value, stopping))
                return;
            next = notices.MoveNextAsync();
        }
    }

    /// <summary>Creates the room (with <c>notify_joining</c>, so plain joins are announced) and joins it without media.</summary>
    private async Task JoinAsync(long handle, CancellationToken stopping)
    {
        var create = PluginData.Of(await sessions.SendAsync(Key, handle,
            PluginData.Body(new { request = "create", room = _room.Id, notify_joining = true, description = "Janus.Actors example" }),
            cancellationToken: stopping));
        if (create.String("videoroom") != "created" && create.Number("error_code") != RoomExists)
            throw new InvalidOperationException($"create room {_room.Id}: {create.Number("error_code")} {create.String("error")}");

        var joined = PluginData.Of(await sessions.SendAsync(Key, handle,
            PluginData.Body(new { request = "join", ptype = "publisher", room = _room.Id, display = _room.Display }),
            cancellationToken: stopping));
        if (joined.String("videoroom") != "joined")
            throw new InvalidOperationException($"join room {_room.Id}: {joined.Number("error_code")} {joined.String("error")}");

        var myId = joined.Number("id")!.Value;
        var roster = new Roster(myId, new Dictionary<long, string> { [myId] = _room.Display });
        foreach (var attendee in joined.Array("attendees"))
            roster = roster.With(attendee.Number("id")!.Value, attendee.String("display") ?? "");
        Save(roster);
        logger.LogInformation("Joined room {Room} as {Display} (participant {ParticipantId}); in the room: {Roster}", _room.Id, _room.Display, myId, _roster);
    }

    /// <summary>Handles one notice; false once the session is over.</summary>
    private async Task<bool> OnNoticeAsync(IJanusSessionNotice notice, long handle, CancellationToken stopping)
    {
        switch (notice)
        {
            case SessionReclaimed:
                await ResynchroniseAsync(handle, stopping);
                return true;

            case JanusEventReceived { Event.Sender: var sender } received when sender == handle:
                OnRoomEvent(PluginData.Of(received.Event));
                return true;

            case SessionEnded ended:
                // Final: Janus no longer has the session, so the participant has left the room. Join again under a
                // new session key if the backend must stay in the room; retrying this one cannot help.
                logger.LogError("Room member {SessionKey} ended: {State} {Code} {Reason}", Key,
                    ended.State.ToString().ToLowerInvariant(), ended.Error?.Code, ended.Error?.Reason);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
                return false;

            default:
                return true;
        }
    }

    private void OnRoomEvent(JsonElement data)
    {
        if (data.String("videoroom") != "event")
            return;
        if (data.Object("joining") is { ValueKind: JsonValueKind.Object } joining && joining.Number("id") is { } joiningId)
        {
            Save(_roster.With(joiningId, joining.String("display") ?? ""));
            logger.LogInformation("Participant joining: {Display} (participant {ParticipantId}); in the room: {Roster}", _roster.NameOf(joiningId), joiningId, _roster);
        }
        else if (data.Number("leaving") is { } leavingId)
        {
            var display = _roster.NameOf(leavingId);
            Save(_roster.Without(leavingId));
            logger.LogInformation("Participant leaving: {Display} (participant {ParticipantId}); in the room: {Roster}", display, leavingId, _roster);
        }
    }

    /// <summary>
    /// Janus dropped the joining/leaving events of the gap: read the room again and report the difference with the
    /// roster we had.
    /// </summary>
    private async Task ResynchroniseAsync(long handle, CancellationToken stopping)
    {
        var reply = PluginData.Of(await sessions.SendAsync(Key, handle,
            PluginData.Body(new { request = "listparticipants", room = _room.Id }), cancellationToken: stopping));
        var now = new Dictionary<long, string>();
        foreach (var participant in reply.Array("participants"))
            now[participant.Number("id")!.Value] = participant.String("display") ?? "";

        var before = _roster;
        Save(before with { Participants = now });
        var joined = now.Keys.Except(before.Participants.Keys).Select(_roster.NameOf).Order(StringComparer.Ordinal);
        var left = before.Participants.Keys.Except(now.Keys).Select(before.NameOf).Order(StringComparer.Ordinal);
        logger.LogInformation("Resynchronised room {Room} after the reclaim: joined during the gap: [{Joined}]; left during the gap: [{Left}]; in the room: {Roster}",
            _room.Id, string.Join(", ", joined), string.Join(", ", left), _roster);
        if (before.MyId is { } myId && now.ContainsKey(myId))
            logger.LogInformation("Still in room {Room} as participant {ParticipantId}", _room.Id, myId);
        else
            logger.LogWarning("No longer in room {Room}: join again", _room.Id);
    }

    private void Save(Roster roster)
    {
        _roster = roster;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_room.RosterFile))!);
        roster.Save(_room.RosterFile);
    }
}
