using Janus.Actors.Hosting;
using Janus.Actors.Plugins;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ConferenceBridge;

/// <summary>The conference the moderator runs.</summary>
public sealed record BridgeOptions
{
    /// <summary>Our name for the Janus session that holds the moderator; it survives restarts in the journal.</summary>
    public string SessionKey { get; init; } = "bridge-4321-moderator";

    public long Room { get; init; } = 4321;

    public string Display { get; init; } = "moderator";
}

/// <summary>
/// The moderator of an AudioBridge conference where only the moderator lets people speak (a town hall, a webinar's
/// audience): it takes part muted, follows who is on the bridge from the plugin's events through the typed AudioBridge
/// API, and mutes everyone who is not muted — newcomers, and anyone who unmutes themselves. After a crash the library
/// reclaims its Janus session, so it is still on the bridge under the same participant id and still muted; Janus drops
/// the events of the gap, but the library lists the bridge again and says who joined, who left and who changed their
/// mute meanwhile (<see cref="RoomResynced"/>), so the rule holds again at once. No database of its own is needed.
/// </summary>
public sealed class BridgeModerator(IJanusSessions sessions, IOptions<BridgeOptions> options, ILogger<BridgeModerator> logger, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly BridgeOptions _bridge = options.Value;
    private readonly SortedDictionary<long, (string Display, bool Muted)> _onBridge = new();
    private AudioBridgeHandle _handle = null!;
    private long _me;
    private string Key => _bridge.SessionKey;

    /// <summary>Display names, sorted, the muted marked: "alice (muted), moderator (muted)".</summary>
    private string Roster => string.Join(", ", _onBridge.Values.Select(p => p.Muted ? $"{p.Display} (muted)" : p.Display).Order(StringComparer.Ordinal));

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // First start: created. Later starts: the journal has the key and the library is already reclaiming it.
        var (_, created) = await sessions.CreateOrResumeAsync(Key, JanusTransportKind.WebSocket, stopping);

        // Subscribe before the first request, so no event after it can slip past us.
        await using var notices = sessions.EventsAsync(Key, stopping).GetAsyncEnumerator(stopping);
        var next = notices.MoveNextAsync();

        var session = await sessions.GetAsync(Key, stopping) ?? throw new InvalidOperationException($"{Key} vanished");
        var handle = session.Handles.FirstOrDefault(h => h.Plugin == AudioBridgeHandle.PluginName);
        if (handle?.Context is { Room: { } room, Id: { } me } context)
        {
            // After a restart: the library has the session, the handle and the bridge as it last knew it.
            _handle = sessions.AudioBridge(Key, handle.HandleId);
            Know(me, context.Participants ?? []);
            logger.LogInformation("Moderator {SessionKey}: resumed Janus session {JanusSessionId} ({State}), on bridge {Room} as participant {ParticipantId}; last known: {Roster}",
                Key, session.JanusSessionId, session.State.ToString().ToLowerInvariant(), room, me, Roster);
        }
        else
        {
            var handleId = handle?.HandleId ?? await sessions.AttachAsync(Key, AudioBridgeHandle.PluginName, cancellationToken: stopping);
            logger.LogInformation("Moderator {SessionKey}: {Origin} Janus session {JanusSessionId}, audiobridge handle {HandleId}",
                Key, created ? "created" : "resumed", session.JanusSessionId, handleId);
            _handle = sessions.AudioBridge(Key, handleId);
            await JoinAsync(stopping);
        }

        while (await next)
        {
            if (!await OnNoticeAsync(notices.Current, stopping))
                return;
            next = notices.MoveNextAsync();
        }
    }

    /// <summary>Creates the bridge unless it exists and joins it muted.</summary>
    private async Task JoinAsync(CancellationToken stopping)
    {
        try
        {
            await _handle.CreateRoomAsync(_bridge.Room, "Janus.Actors example", stopping);
        }
        catch (JanusPluginException<AudioBridgeErrorCode> e) when (e.Error == AudioBridgeErrorCode.RoomExists)
        {
            // created by an earlier run: join it
        }
        var joined = await _handle.JoinAsync(_bridge.Room, _bridge.Display, muted: true, cancellationToken: stopping);
        Know(joined.Id!.Value, (joined.Participants ?? []).Select(p => new RoomParticipant(p.Id, p.Display) { Muted = p.Muted }));
        logger.LogInformation("Joined bridge {Room} as {Display} (participant {ParticipantId}, muted); on the bridge: {Roster}", _bridge.Room, _bridge.Display, _me, Roster);
        await MuteTheUnmutedAsync(stopping);
    }

    /// <summary>Handles one notice; false once the session is over.</summary>
    private async Task<bool> OnNoticeAsync(IJanusSessionNotice notice, CancellationToken stopping)
    {
        switch (notice)
        {
            case SessionReclaimed reclaimed:
                foreach (var found in reclaimed.Handles.Where(h => h.HandleId == _handle.HandleId))
                    OnResynced(found);
                await MuteTheUnmutedAsync(stopping);
                return true;

            case JanusEventReceived { Event.Sender: var sender } received when sender == _handle.HandleId:
                if (AudioBridgeHandle.EventOf(received.Event) is { Kind: AudioBridgeEventKind.Joined or AudioBridgeEventKind.Event } bridgeEvent)
                {
                    OnBridgeEvent(bridgeEvent);
                    await MuteTheUnmutedAsync(stopping);
                }
                return true;

            case SessionEnded ended:
                // Final: Janus no longer has the session, so the moderator has left the bridge. Join again under a new
                // session key if the bridge needs its moderator; retrying this one cannot help.
                logger.LogError("Moderator {SessionKey} ended: {State} {Code} {Reason}", Key,
                    ended.State.ToString().ToLowerInvariant(), ended.Error?.Code, ended.Error?.Reason);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
                return false;

            default:
                return true;
        }
    }

    /// <summary>What the library found of our handle after the reclaim: our own state, and the bridge listed again.</summary>
    private void OnResynced(HandleResync found)
    {
        switch (found)
        {
            case HandleResynced own:
                // Read through the Admin API: the AudioBridge plugin kept our participant, and its mute, through the gap.
                logger.LogInformation("Own state kept through the gap: participant {ParticipantId} on bridge {Room}, muted: {Muted}",
                    own.PluginState.GetProperty("id").GetInt64(), own.PluginState.GetProperty("room").GetInt64(),
                    own.PluginState.GetProperty("muted").GetBoolean());
                break;
            case RoomResynced room:
                Know(_me, room.Participants);
                logger.LogInformation("Resynchronised bridge {Room} after the reclaim: joined during the gap: [{Joined}]; left during the gap: [{Left}]; " +
                                      "mute changed during the gap: [{Changed}]; on the bridge: {Roster}",
                    room.Room, Names(room.Joined), Names(room.Left),
                    string.Join(", ", room.Changed.Select(p => $"{p.Display} {(p.Muted == true ? "muted" : "unmuted")}")), Roster);
                if (!room.IsMember) logger.LogWarning("No longer on bridge {Room}: join again", room.Room);
                break;
            case HandleNotResynced unknown:
                logger.LogWarning("Own state after the gap unknown: {Reason}", unknown.Reason);
                break;
        }
    }

    /// <summary>Someone joined (<c>joined</c> with the newcomer), changed their mute (<c>event</c> with participants) or left (<c>leaving</c>).</summary>
    private void OnBridgeEvent(AudioBridgeAnswer bridgeEvent)
    {
        foreach (var participant in bridgeEvent.Participants ?? [])
        {
            var isNew = !_onBridge.ContainsKey(participant.Id);
            _onBridge[participant.Id] = (participant.Display ?? "", participant.Muted == true);
            if (isNew)
                logger.LogInformation("Participant joined: {Display} (participant {ParticipantId}); on the bridge: {Roster}", participant.Display, participant.Id, Roster);
        }
        if (bridgeEvent.Leaving is { } leaving && _onBridge.Remove(leaving, out var left))
            logger.LogInformation("Participant left: {Display} (participant {ParticipantId}); on the bridge: {Roster}", left.Display, leaving, Roster);
    }

    /// <summary>The bridge's rule: only the moderator unmutes people, so whoever is not muted is muted.</summary>
    private async Task MuteTheUnmutedAsync(CancellationToken stopping)
    {
        foreach (var (id, participant) in _onBridge.Where(p => p.Key != _me && !p.Value.Muted).ToList())
        {
            try
            {
                await _handle.MuteAsync(_bridge.Room, id, cancellationToken: stopping);
                _onBridge[id] = participant with { Muted = true };
                logger.LogInformation("Muted {Display} (participant {ParticipantId}); on the bridge: {Roster}", participant.Display, id, Roster);
            }
            catch (JanusPluginException<AudioBridgeErrorCode> e) when (e.Error == AudioBridgeErrorCode.NoSuchUser)
            {
                _onBridge.Remove(id); // left meanwhile; its leaving event is on its way
            }
        }
    }

    private void Know(long me, IEnumerable<RoomParticipant> others)
    {
        _me = me;
        _onBridge.Clear();
        _onBridge[me] = (_bridge.Display, true);
        foreach (var other in others) _onBridge[other.Id] = (other.Display ?? "", other.Muted == true);
    }

    private static string Names(IEnumerable<RoomParticipant> participants) =>
        string.Join(", ", participants.Select(p => p.Display).Order(StringComparer.Ordinal));
}
