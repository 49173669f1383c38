using Akka.Actor;
using Akka.Event;
using Janus.Actors.Plugins;
using Janus.Actors.Protocol;
using Janus.Actors.Servers;
using static Janus.Actors.Sessions.JanusSessionEvents;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Sessions;

// After a reclaim: where each handle stands now, told with SessionReclaimed before the events that follow the claim.
internal sealed partial class JanusSessionActor
{
    private sealed record ResyncTimedOut(int Reclaim) : INoSerializationVerificationNeeded;

    private const string ResyncTimer = "resync";

    /// <summary>
    /// The session is active again: its handles are read through its server's home (Admin API <c>handle_info</c>, bounded
    /// per server) and <see cref="SessionReclaimed"/> is published with what was found; until then the session's events are
    /// held, so subscribers hear the handles' state first and what happened after it next. Requests flow meanwhile.
    /// Without handles or without an Admin API there is nothing to read: published at once.
    /// </summary>
    private void Resync()
    {
        var handles = _state.Handles.Values.Select(handle => (handle.HandleId, handle.Plugin)).ToList();
        if (handles.Count == 0 || Server.Settings.AdminUrl is null)
        {
            Announce(handles.Count == 0 ? [] : HandleReads.WithoutAdminApi(_state.Server, handles));
            return;
        }
        _heldEvents = [];
        Server.Home.Tell(new JanusServerActor.ReadHandles(JanusId, handles));
        Timers.StartSingleTimer(ResyncTimer, new ResyncTimedOut(_reclaims), _options.RequestTimeout * 2);
    }

    /// <summary>The handles' reads (or their timeout) for the resync under way; a stale answer is ignored.</summary>
    private bool Resyncing(object message)
    {
        switch (message)
        {
            case JanusServerActor.HandlesRead read when _heldEvents is not null && read.JanusSessionId == _state.JanusSessionId:
                Timers.Cancel(ResyncTimer);
                Announce(read.Handles);
                return true;
            case ResyncTimedOut timedOut when _heldEvents is not null && timedOut.Reclaim == _reclaims:
                Announce(_state.Handles.Values.Select(handle => (HandleResync)new HandleNotResynced(handle.HandleId, handle.Plugin,
                    $"Janus server '{_state.Server}''s Admin API did not answer within {(_options.RequestTimeout * 2).TotalSeconds:0.#} s")).ToList());
                return true;
            case JanusServerActor.HandlesRead or ResyncTimedOut:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Tells subscribers the reclaim and what it found, then the events held meanwhile. A handle Janus no longer has is
    /// forgotten (journaled as detached).
    /// </summary>
    private void Announce(IReadOnlyList<HandleResync> handles)
    {
        var held = _heldEvents ?? [];
        _heldEvents = null;
        _reclaims++;
        _lastResync = handles;
        var gone = handles.OfType<HandleGone>().Where(g => _state.Handles.ContainsKey(g.HandleId)).Select(g => new HandleDetached(g.HandleId)).ToList();
        if (gone.Count > 0)
            PersistAll(gone, e =>
            {
                _state = _state.Apply(e);
                ReportChanged();
                PollWhileHandles();
            });
        if (gone.Count > 0) Log.Info("Janus no longer has handle(s) {HandleIds} of {SessionKey}: forgotten", string.Join(", ", gone.Select(g => g.HandleId)), _key);
        ReportChanged();
        _registry.Tell(new Publish(new SessionReclaimed(_key) { Handles = handles }));
        foreach (var message in held) _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
    }

    /// <summary>An event that arrives while the handles are read waits for <see cref="SessionReclaimed"/>.</summary>
    private bool HoldDuringResync(JanusMessage message)
    {
        if (_heldEvents is null) return false;
        _heldEvents.Add(message);
        return true;
    }

    /// <summary>A new reclaim (or an end) before the reads answered: what was held goes out now, without a resync.</summary>
    private void AbandonResync()
    {
        if (_heldEvents is not { } held) return;
        _heldEvents = null;
        Timers.Cancel(ResyncTimer);
        foreach (var message in held) _registry.Tell(new Publish(new JanusEventReceived(_key, message)));
    }
}
