using Janus.Actors.Hosting;
using Janus.Actors.Plugins;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VideoRoomRecovery;

/// <summary>The room a backend takes part in.</summary>
public sealed record RoomMemberOptions
{
    /// <summary>Our name for the Janus session that holds the participant; it survives restarts in the journal.</summary>
    public string SessionKey { get; init; } = "room-1234-backend";

    public long Id { get; init; } = 1234;

    public string Display { get; init; } = "backend";

    /// <summary>Where the media of every publisher goes as plain RTP (a recorder, a transcriber); null: nowhere.</summary>
    public string? ForwardHost { get; init; }

    public int? ForwardAudioPort { get; init; }

    public int? ForwardVideoPort { get; init; }
}

/// <summary>
/// A backend that takes part in a videoroom as a publisher without media (a recorder, a moderator bot, the server
/// side of a classroom), keeps a view of who is in the room from <c>joining</c>/<c>leaving</c> events, and has Janus
/// forward every publisher's media to its recorder (<c>rtp_forward</c>), through the typed VideoRoom API. After a crash
/// the library reclaims its Janus session, so it is still in the room under the same participant id; the events of
/// the gap are lost, but the library remembers the room (journaled with the handle) and lists it again:
/// <see cref="RoomResynced"/> says who joined, left or started publishing meanwhile, and that publisher's media is
/// forwarded too. No database of its own is needed.
/// </summary>
public sealed class RoomMember(IJanusSessions sessions, IOptions<RoomMemberOptions> options, ILogger<RoomMember> logger, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly RoomMemberOptions _room = options.Value;
    private readonly SortedDictionary<long, string> _inRoom = new();
    private VideoRoomHandle _handle = null!;
    private string Key => _room.SessionKey;

    /// <summary>Display names, sorted: "alice, backend".</summary>
    private string Roster => string.Join(", ", _inRoom.Values.Order(StringComparer.Ordinal));

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // First start: created. Later starts: the journal has the key and the library is already reclaiming it.
        var (_, created) = await sessions.CreateOrResumeAsync(Key, JanusTransportKind.WebSocket, stopping);

        // Subscribe before the first request, so no joining/leaving after it can slip past us.
        await using var notices = sessions.EventsAsync(Key, stopping).GetAsyncEnumerator(stopping);
        var next = notices.MoveNextAsync();

        var session = await sessions.GetAsync(Key, stopping) ?? throw new InvalidOperationException($"{Key} vanished");
        var handle = session.Handles.FirstOrDefault(h => h.Plugin == VideoRoomHandle.PluginName);
        if (handle?.Context is { Room: { } room, Id: { } myId } context)
        {
            // After a restart: the library has the session, the handle and the room as it last knew it.
            _handle = sessions.VideoRoom(Key, handle.HandleId);
            Know(myId, context.Participants ?? []);
            logger.LogInformation("Room member {SessionKey}: resumed Janus session {JanusSessionId} ({State}), in room {Room} as participant {ParticipantId}; last known: {Roster}",
                Key, session.JanusSessionId, session.State.ToString().ToLowerInvariant(), room, myId, Roster);
        }
        else
        {
            var handleId = handle?.HandleId ?? await sessions.AttachAsync(Key, VideoRoomHandle.PluginName, cancellationToken: stopping);
            logger.LogInformation("Room member {SessionKey}: {Origin} Janus session {JanusSessionId}, videoroom handle {HandleId}",
                Key, created ? "created" : "resumed", session.JanusSessionId, handleId);
            _handle = sessions.VideoRoom(Key, handleId);
            await JoinAsync(stopping);
        }

        while (await next)
        {
            if (!await OnNoticeAsync(notices.Current, stopping))
                return;
            next = notices.MoveNextAsync();
        }
    }

    /// <summary>Creates the room (with <c>notify_joining</c>, so plain joins are announced) and joins it without media.</summary>
    private async Task JoinAsync(CancellationToken stopping)
    {
        try
        {
            await _handle.CreateRoomAsync(_room.Id, "Janus.Actors example", notifyJoining: true, cancellationToken: stopping);
        }
        catch (JanusPluginException<VideoRoomErrorCode> e) when (e.Error == VideoRoomErrorCode.RoomExists)
        {
            // created by an earlier run: join it
        }
        var joined = await _handle.JoinAsPublisherAsync(_room.Id, _room.Display, cancellationToken: stopping);
        Know(joined.Id!.Value, []);
        logger.LogInformation("Joined room {Room} as {Display} (participant {ParticipantId}); in the room: {Roster}", _room.Id, _room.Display, joined.Id, Roster);
        foreach (var publisher in joined.Publishers ?? [])
            await ForwardAsync(publisher.Id, publisher.Display, "", stopping);
    }

    /// <summary>Handles one notice; false once the session is over.</summary>
    private async Task<bool> OnNoticeAsync(IJanusSessionNotice notice, CancellationToken stopping)
    {
        switch (notice)
        {
            case SessionReclaimed reclaimed:
                foreach (var room in reclaimed.Handles.OfType<RoomResynced>().Where(r => r.HandleId == _handle.HandleId))
                {
                    OnRoomResynced(room);
                    foreach (var publisher in room.Published)
                        await ForwardAsync(publisher.Id, publisher.Display, ", who started publishing during the gap,", stopping);
                }
                return true;

            case JanusEventReceived { Event.Sender: var sender } received when sender == _handle.HandleId:
                if (VideoRoomHandle.EventOf(received.Event) is { Kind: VideoRoomEventKind.Event } roomEvent)
                {
                    OnRoomEvent(roomEvent);
                    foreach (var publisher in roomEvent.Publishers ?? [])
                        await ForwardAsync(publisher.Id, publisher.Display, "", stopping);
                }
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

    private void OnRoomEvent(VideoRoomAnswer roomEvent)
    {
        if (roomEvent.Joining is { } joining)
        {
            _inRoom[joining.Id] = joining.Display ?? "";
            logger.LogInformation("Participant joining: {Display} (participant {ParticipantId}); in the room: {Roster}", joining.Display, joining.Id, Roster);
        }
        else if (roomEvent.Leaving is { ValueKind: System.Text.Json.JsonValueKind.Number } leaving && _inRoom.Remove(leaving.GetInt64(), out var display))
        {
            logger.LogInformation("Participant leaving: {Display} (participant {ParticipantId}); in the room: {Roster}", display, leaving.GetInt64(), Roster);
        }
    }

    /// <summary>Has Janus forward a publisher's media to the recorder, when there is one.</summary>
    private async Task ForwardAsync(long publisher, string? display, string when, CancellationToken stopping)
    {
        if (_room.ForwardHost is not { } host) return;
        await _handle.RtpForwardAsync(_room.Id, publisher, host, _room.ForwardAudioPort, _room.ForwardVideoPort, cancellationToken: stopping);
        logger.LogInformation("Forwarding {Display} (publisher {ParticipantId}){When} to {Host}: audio port {AudioPort}, video port {VideoPort}",
            display, publisher, when, host, _room.ForwardAudioPort, _room.ForwardVideoPort);
    }

    /// <summary>Janus dropped the joining/leaving events of the gap; the library listed the room again and says what changed.</summary>
    private void OnRoomResynced(RoomResynced room)
    {
        var me = _inRoom.Single(p => p.Value == _room.Display);
        Know(me.Key, room.Participants);
        logger.LogInformation("Resynchronised room {Room} after the reclaim: joined during the gap: [{Joined}]; left during the gap: [{Left}]; " +
                              "published during the gap: [{Published}]; in the room: {Roster}",
            room.Room, Names(room.Joined), Names(room.Left), Names(room.Published), Roster);
        if (room.IsMember)
            logger.LogInformation("Still in room {Room} as participant {ParticipantId}", room.Room, me.Key);
        else
            logger.LogWarning("No longer in room {Room}: join again", room.Room);
    }

    private void Know(long myId, IEnumerable<RoomParticipant> others)
    {
        _inRoom.Clear();
        _inRoom[myId] = _room.Display;
        foreach (var other in others) _inRoom[other.Id] = other.Display ?? "";
    }

    private static string Names(IEnumerable<RoomParticipant> participants) =>
        string.Join(", ", participants.Select(p => p.Display).Order(StringComparer.Ordinal));
}
