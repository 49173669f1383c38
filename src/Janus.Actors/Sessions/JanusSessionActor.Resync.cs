using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// After a reclaim: where each handle stands now, told with SessionReclaimed before the events that follow the claim;
// and, all along, what each handle is for (its context) and the room it is in.
internal sealed partial class JanusSessionActor
{
    private sealed record ResyncTimedOut(ResyncUnderWay Resync) : INoSerializationVerificationNeeded;

    /// <summary>A resync's parts still out (the Admin API's reads, each room's listing), what they found, and the events held meanwhile.</summary>
    private sealed class ResyncUnderWay(int parts)
    {
        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
        public int Remaining { get; set; } = parts;
        public List<HandleResync> Found { get; } = [];
        public List<JanusMessage> Held { get; } = [];
    }

    private const string ResyncTimer = "resync";

    /// <summary>
    /// The session is active again: its handles are read through its server's home (Admin API <c>handle_info</c>, bounded
    /// per server), each room a handle is a member of is listed again on that handle (<c>listparticipants</c>), and
    /// <see cref="SessionReclaimed"/> is published with what was found; until then the session's events are held, so
    /// subscribers hear the handles' state first and what happened after it next. Requests flow meanwhile. Nothing to
    /// read or list: published at once.
    /// </summary>
    private void Resync()
    {
        var handles = _state.Handles.Values.Select(handle => (handle.HandleId, handle.Plugin)).ToList();
        var rooms = _state.Handles.Values.Where(handle => handle.Context is { Room: not null, Participants: not null }).ToList();
        var adminReads = handles.Count > 0 && Server.Settings.AdminUrl is not null;
        var withoutAdmin = handles.Count > 0 && !adminReads ? HandleResyncs.From(HandleReads.WithoutAdminApi(_state.Server, handles)) : [];
        if (!adminReads && rooms.Count == 0)
        {
            Announce(withoutAdmin);
            return;
        }
        var resync = _resync = new ResyncUnderWay(rooms.Count + (adminReads ? 1 : 0));
        resync.Found.AddRange(withoutAdmin);
        if (adminReads) Server.Home.Tell(new JanusServerActor.ReadHandles(JanusId, handles));
        foreach (var member in rooms) ListRoom(resync, member);
        Timers.StartSingleTimer(ResyncTimer, new ResyncTimedOut(resync), _options.RequestTimeout * 2);
    }

    /// <summary>
    /// A handle the journal knows no purpose of learns it from its plugin state (<see cref="HandleContexts.FromPluginState"/>),
    /// journaled; a room member's room is then listed as part of this resync, to know its members from now on.
    /// </summary>
    private void LearnContexts(ResyncUnderWay resync, IEnumerable<HandleResynced> read)
    {
        foreach (var state in read)
        {
            if (!_state.Handles.TryGetValue(state.HandleId, out var handle) || handle.Context is not null ||
                HandleContexts.FromPluginState(state.Plugin, state.PluginState) is not { } learned)
                continue;
            Log.Info("Handle {HandleId} of {SessionKey} is a {Plugin} {Role}, as Janus reports it: journaled", state.HandleId, _key, state.Plugin, learned.Role);
            if (learned is { Room: not null, Id: not null })
            {
                resync.Remaining++;
                SetContext(state.HandleId, learned, () => ListRoom(resync, _state.Handles[state.HandleId]));
            }
            else SetContext(state.HandleId, learned);
        }
    }

    /// <summary>
    /// Lists the room of <paramref name="member"/> on its own handle and compares it with the room it last knew; a room
    /// it never knew (a context just learned) is where its knowledge starts: nobody is told joined or published.
    /// </summary>
    private void ListRoom(ResyncUnderWay resync, JanusHandle member)
    {
        var context = member.Context!;
        var room = context.Room!.Value;
        var body = JsonDocument.Parse(new JsonObject { ["request"] = "listparticipants", ["room"] = room }.ToJsonString()).RootElement;
        HandleResync NotListed(string why) => new HandleNotResynced(member.HandleId, member.Plugin, $"room {room} not listed again: {why}");
        Send(JanusRequests.Message(NextTransaction(), JanusId, member.HandleId, body),
            success: reply =>
            {
                if (Json.Object(reply.PluginData, "data") is not { } listing || listing.TryGetProperty("error_code", out _))
                {
                    ResyncPart(resync, [NotListed($"the plugin answered {reply.PluginData}")]);
                    return;
                }
                var resynced = RoomRosters.Compare(member.HandleId, member.Plugin, room, context.Id, context.Participants ?? [], listing);
                if (context.Participants is null) resynced = resynced with { Joined = [], Published = [] };
                SetContext(member.HandleId, context with { Participants = resynced.Participants });
                ResyncPart(resync, [resynced]);
            },
            error: error => ResyncPart(resync, [NotListed($"{error.Code} {error.Reason}")]),
            unanswered: why => ResyncPart(resync, [NotListed(why)]));
    }

    /// <summary>The handles' reads (or the resync's timeout); a stale answer is ignored.</summary>
    private bool Resyncing(object message)
    {
        switch (message)
        {
            case JanusServerActor.HandlesRead read when _resync is { } resync && read.JanusSessionId == _state.JanusSessionId:
                var found = HandleResyncs.From(read.Handles);
                LearnContexts(resync, found.OfType<HandleResynced>());
                ResyncPart(resync, found);
                return true;
            case ResyncTimedOut timedOut when timedOut.Resync == _resync:
                var told = timedOut.Resync.Found.Select(found => found.HandleId).ToHashSet();
                timedOut.Resync.Found.AddRange(_state.Handles.Values.Where(handle => !told.Contains(handle.HandleId))
                    .Select(handle => new HandleNotResynced(handle.HandleId, handle.Plugin,
                        $"Janus server '{_state.Server}' did not say within {(_options.RequestTimeout * 2).TotalSeconds:0.#} s")));
                Announce(timedOut.Resync.Found);
                return true;
            case JanusServerActor.HandlesRead or ResyncTimedOut:
                return true;
            default:
                return false;
        }
    }

    private void ResyncPart(ResyncUnderWay resync, IEnumerable<HandleResync> found)
    {
        if (resync != _resync) return;
        resync.Found.AddRange(found);
        if (--resync.Remaining == 0) Announce(resync.Found);
    }

    /// <summary>
    /// Tells subscribers the reclaim and what it found (in handle id order), then the events held meanwhile. A handle
    /// Janus no longer has is forgotten (journaled as detached).
    /// </summary>
    private void Announce(IReadOnlyList<HandleResync> found)
    {
        var held = _resync?.Held ?? [];
        if (_resync is { } resync)
        {
            Timers.Cancel(ResyncTimer);
            JanusMetrics.ResyncDuration.Record((DateTimeOffset.UtcNow - resync.Started).TotalSeconds);
        }
        _resync = null;
        _reclaims++;
        var handles = found.OrderBy(h => h.HandleId).ThenBy(RankOf).ToList();
        _lastResync = handles;
        foreach (var handle in handles) JanusMetrics.HandleResyncs.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeOf(handle)));
        var gone = handles.OfType<HandleGone>().Where(g => _state.Handles.ContainsKey(g.HandleId)).Select(g => new HandleDetached(g.HandleId)).ToList();
        if (gone.Count > 0)
        {
            Log.Info("Janus no longer has handle(s) {HandleIds} of {SessionKey}: forgotten", string.Join(", ", gone.Select(g => g.HandleId)), _key);
            PersistAll(gone, e =>
            {
                _state = _state.Apply(e);
                ReportChanged();
                PollWhileHandles();
            });
        }
        ReportChanged();
        _registry.Tell(new Publish(new SessionReclaimed(_key) { Handles = handles }));
        foreach (var message in held) _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
    }

    /// <summary>A handle's items in one order: its state, then an offer waiting, then its room.</summary>
    private static int RankOf(HandleResync found) => found switch
    {
        PendingOfferRecovered => 1,
        RoomResynced => 2,
        _ => 0,
    };

    private static string OutcomeOf(HandleResync found) => found switch
    {
        HandleResynced => "resynced",
        PendingOfferRecovered => "pending_offer",
        HandleGone => "gone",
        RoomResynced => "room",
        _ => "not_resynced",
    };

    /// <summary>An event that arrives while the handles are read waits for <see cref="SessionReclaimed"/>.</summary>
    private bool HoldDuringResync(JanusMessage message)
    {
        if (_resync is null) return false;
        _resync.Held.Add(message);
        return true;
    }

    /// <summary>A new reclaim (or an end) before the reads answered: what was held goes out now, without a resync.</summary>
    private void AbandonResync()
    {
        if (_resync is not { } resync) return;
        _resync = null;
        Timers.Cancel(ResyncTimer);
        foreach (var message in resync.Held) _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
    }

    /// <summary>A plugin's answer may tell what its handle is for (<see cref="HandleContexts"/>): journaled when it changes.</summary>
    private void LearnContext(long handleId, JsonElement request, JsonElement? pluginData, Action then)
    {
        if (_state.Handles.TryGetValue(handleId, out var handle) && HandleContexts.After(handle, request, pluginData) is (true, var context))
            SetContext(handleId, context, then);
        else then();
    }

    /// <summary>A room event for a member's handle updates the room it knows (<see cref="RoomRosters"/>), journaled when it changes.</summary>
    private void FollowRoom(JanusMessage message)
    {
        if (message is not { Janus: JanusMessageKinds.Event, Sender: { } handleId } || !_state.Handles.TryGetValue(handleId, out var handle) ||
            handle.Context is not { Room: not null, Participants: { } roster } context || Json.Object(message.PluginData, "data") is not { } data)
            return;
        var after = RoomRosters.Apply(handle.Plugin, roster, context.Id, data);
        if (!after.SequenceEqual(roster)) SetContext(handleId, context with { Participants = after });
    }

    private void SetContext(long handleId, HandleContext? context, Action? then = null) =>
        Persist(new HandleContextChanged(handleId, context), e =>
        {
            _state = _state.Apply(e);
            ReportChanged();
            then?.Invoke();
        });
}
