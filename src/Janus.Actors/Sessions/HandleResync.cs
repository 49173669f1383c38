using System.Text.Json;
using System.Text.Json.Serialization;

namespace Janus.Actors.Sessions;

/// <summary>
/// What a reclaim found of one of the session's handles (<see cref="SessionReclaimed.Handles"/>). Janus never tells a
/// plugin that its session's transport went away, so handles, plugin state, PeerConnections and media keep running
/// through a crash, but every event of the gap is dropped: this is how the application learns where each handle stands
/// now. Read from Janus's Admin API (<c>handle_info</c>) when the session's server has one
/// (<see cref="Servers.JanusServerSettings.AdminUrl"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(HandleResynced), "resynced")]
[JsonDerivedType(typeof(PendingOfferRecovered), "pendingOffer")]
[JsonDerivedType(typeof(HandleGone), "gone")]
[JsonDerivedType(typeof(HandleNotResynced), "notResynced")]
[JsonDerivedType(typeof(RoomResynced), "room")]
public abstract record HandleResync(long HandleId, string Plugin);

/// <summary>
/// The handle's plugin state now (<c>plugin_specific</c> of <c>handle_info</c>, as Janus wrote it, unknown fields included),
/// and whether its WebRTC negotiation had completed. <c>Janus.Actors.Plugins</c> reads it typed (e.g. <c>SipState()</c>).
/// </summary>
public sealed record HandleResynced(long HandleId, string Plugin, JsonElement PluginState, bool Negotiated) : HandleResync(HandleId, Plugin);

/// <summary>
/// An offer that waits for the application's answer and was pushed while no process owned the session, so nobody has
/// seen it: a SIP call that rang during the gap (<see cref="Caller"/> its SIP URI; <see cref="Jsep"/> the WebRTC offer
/// Janus made from the INVITE's SDP, null for an INVITE without SDP), or another plugin's offer (a VideoRoom
/// subscriber's update, …). Answer it as you would have answered the event: e.g. the SIP plugin's <c>accept</c> with
/// your SDP answer, or <c>decline</c>.
/// </summary>
public sealed record PendingOfferRecovered(long HandleId, string Plugin, JsonElement? Jsep, string? Caller) : HandleResync(HandleId, Plugin);

/// <summary>Janus no longer has the handle (it was detached, or its plugin dropped it): the session forgets it.</summary>
public sealed record HandleGone(long HandleId, string Plugin) : HandleResync(HandleId, Plugin);

/// <summary>
/// The handle's state could not be read, and <see cref="Reason"/> says why (no Admin API configured for the server, or it
/// did not answer): the application has to ask the plugin itself where that matters.
/// </summary>
public sealed record HandleNotResynced(long HandleId, string Plugin, string Reason) : HandleResync(HandleId, Plugin);

/// <summary>
/// A room the handle is a member of, listed again after the reclaim (the plugin's <c>listparticipants</c>, no Admin API
/// needed) and compared with the room as the handle last knew it (<see cref="HandleContext.Participants"/>): who
/// <see cref="Joined"/> and who <see cref="Left"/> during the gap, who <see cref="Published"/> or <see cref="Unpublished"/>
/// (VideoRoom), whose mute <see cref="Changed"/> (AudioBridge). <see cref="Participants"/> is the room now, the handle
/// itself left out; <see cref="IsMember"/> says whether the handle is still in it (it may have been kicked meanwhile).
/// </summary>
public sealed record RoomResynced(long HandleId, string Plugin, long Room, IReadOnlyList<RoomParticipant> Participants) : HandleResync(HandleId, Plugin)
{
    public bool IsMember { get; init; }

    public IReadOnlyList<RoomParticipant> Joined { get; init; } = [];
    public IReadOnlyList<RoomParticipant> Left { get; init; } = [];
    public IReadOnlyList<RoomParticipant> Published { get; init; } = [];
    public IReadOnlyList<RoomParticipant> Unpublished { get; init; } = [];
    public IReadOnlyList<RoomParticipant> Changed { get; init; } = [];
}
