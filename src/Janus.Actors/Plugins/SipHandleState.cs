using System.Text.Json;
using Janus.Actors.Sessions;

namespace Janus.Actors.Plugins;

/// <summary>Typed plugin states of <see cref="HandleResynced"/>.</summary>
public static class PluginStates
{
    /// <summary>A SIP handle's registration and call after a reclaim; null for other plugins.</summary>
    public static SipHandleState? SipState(this HandleResynced resynced)
    {
        ArgumentNullException.ThrowIfNull(resynced);
        return resynced.Plugin == SipHandleState.PluginName ? SipHandleState.From(resynced.PluginState) : null;
    }
}

/// <summary>
/// Where a SIP plugin handle stands, as Janus's SIP plugin reports it (<c>query_session</c>): its account's registration,
/// its call, and the other party of that call (<see cref="Peer"/>: for a call that rings, the caller's URI).
/// </summary>
public sealed record SipHandleState(SipRegistrationStatus Registration, SipCallStatus Call, string? Username, string? Peer)
{
    /// <summary>The SIP plugin's package name, as handles are attached to it.</summary>
    public const string PluginName = "janus.plugin.sip";

    /// <summary>Reads the plugin's state object; members it lacks read as unknown.</summary>
    public static SipHandleState From(JsonElement state) => new(
        JanusEnumNames.Parse(StringOf(state, "registration_status"), SipRegistrationStatus.Unknown),
        JanusEnumNames.Parse(StringOf(state, "call_status"), SipCallStatus.Unknown),
        StringOf(state, "username"),
        StringOf(state, "callee"));

    private static string? StringOf(JsonElement state, string name) =>
        state.ValueKind == JsonValueKind.Object && state.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>A SIP account's registration in Janus's SIP plugin (its <c>registration_status</c>).</summary>
public enum SipRegistrationStatus
{
    /// <summary>A value this library does not know (a newer Janus), or none reported.</summary>
    Unknown,
    /// <summary>A guest account, or one that never sends REGISTER.</summary>
    Disabled,
    Failed,
    Unregistered,
    Registering,
    Registered,
    Unregistering,
}

/// <summary>A SIP handle's call in Janus's SIP plugin (its <c>call_status</c>).</summary>
public enum SipCallStatus
{
    /// <summary>A value this library does not know (a newer Janus), or none reported.</summary>
    Unknown,
    Idle,
    /// <summary>Calling out, no answer yet.</summary>
    Inviting,
    /// <summary>A call rings on this handle: Janus answered 180 and waits for <c>accept</c> or <c>decline</c>.</summary>
    Invited,
    Progress,
    InCall,
    InCallReinviting,
    InCallReinvited,
    Closing,
}
