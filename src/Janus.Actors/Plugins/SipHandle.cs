using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Janus.Actors.Hosting;
using Janus.Actors.Protocol;

namespace Janus.Actors.Plugins;

/// <summary>
/// A <c>janus.plugin.sip</c> handle: one SIP account and its calls. Each request returns the plugin's first answer
/// (<c>registering</c>, <c>calling</c>, <c>accepting</c>, <c>declining</c>, <c>hangingup</c>, …); what follows
/// (<c>registered</c>, <c>incomingcall</c>, <c>accepted</c>, <c>hangup</c>, …) arrives as events: read them with
/// <see cref="EventOf"/>.
/// </summary>
public sealed class SipHandle : PluginHandle<SipEvent, SipErrorCode>
{
    public const string PluginName = SipHandleState.PluginName;

    internal SipHandle(IJanusSessions sessions, string key, long handleId) : base(sessions, key, handleId) { }

    public override string Plugin => PluginName;

    /// <summary>Registers the account (<c>register</c>); the secret is sent to Janus only, never logged.</summary>
    public Task<SipEvent> RegisterAsync(SipAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var request = new JsonObject { ["request"] = "register", ["username"] = account.Username };
        if (account.Secret is { } secret) request["secret"] = secret;
        if (account.Proxy is { } proxy) request["proxy"] = proxy;
        if (account.DisplayName is { } display) request["display_name"] = display;
        if (account.AuthUser is { } authUser) request["authuser"] = authUser;
        if (account.Guest) request["type"] = "guest";
        if (account.SendRegister is { } send) request["send_register"] = send;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Unregisters the account (<c>unregister</c>).</summary>
    public Task<SipEvent> UnregisterAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "unregister" }, null, cancellationToken);

    /// <summary>Calls <paramref name="uri"/> with the browser's WebRTC <paramref name="offer"/> (<c>call</c>).</summary>
    public Task<SipEvent> CallAsync(string uri, JsonElement offer, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "call", ["uri"] = uri }, offer, cancellationToken);

    /// <summary>Answers the call that rings with the browser's WebRTC <paramref name="answer"/> (<c>accept</c>).</summary>
    public Task<SipEvent> AcceptAsync(JsonElement? answer, CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "accept" }, answer, cancellationToken);

    /// <summary>
    /// Declines the call that rings with SIP <paramref name="code"/> (the plugin's default: 486 Busy Here). With no call
    /// ringing the SIP plugin ignores it and never answers (seen on 1.1.2): the call fails after the request timeout.
    /// </summary>
    public Task<SipEvent> DeclineAsync(int? code = null, CancellationToken cancellationToken = default)
    {
        var request = new JsonObject { ["request"] = "decline" };
        if (code is { } c) request["code"] = c;
        return SendAsync(request, null, cancellationToken);
    }

    /// <summary>Ends the call in progress (<c>hangup</c>); like <see cref="DeclineAsync"/>, ignored without one.</summary>
    public Task<SipEvent> HangupAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new JsonObject { ["request"] = "hangup" }, null, cancellationToken);

    /// <summary>The SIP plugin's event in <paramref name="message"/>, with its JSEP; null for any other message.</summary>
    public static SipEvent? EventOf(JanusMessage message) => EventOf(message, PluginName, PluginJsonContext.Default.SipEvent);

    private protected override JsonTypeInfo<SipEvent> AnswerType => PluginJsonContext.Default.SipEvent;
}

/// <summary>A SIP account to register. <see cref="Guest"/> (or <see cref="SendRegister"/> false) registers without a REGISTER.</summary>
public sealed record SipAccount(string Username)
{
    /// <summary>Never logged; sent to Janus only.</summary>
    public string? Secret { get; init; }
    public string? Proxy { get; init; }
    public string? DisplayName { get; init; }
    public string? AuthUser { get; init; }
    public bool Guest { get; init; }
    public bool? SendRegister { get; init; }

    public override string ToString() => $"SipAccount {{ Username = {Username}, Proxy = {Proxy}, Secret = {(Secret is null ? "not set" : "set")} }}";
}

/// <summary>The SIP plugin's answer or event: <c>{"sip":"event","call_id":…,"result":{"event":…}}</c>.</summary>
public sealed record SipEvent : PluginAnswer
{
    public string? CallId { get; init; }

    public SipResult Result { get; init; } = new();
}

/// <summary>The <c>result</c> of a SIP event: what happened (<see cref="Event"/>) and with whom.</summary>
public sealed record SipResult
{
    /// <summary>The plugin's name for it: <c>registered</c>, <c>incomingcall</c>, <c>hangup</c>, …</summary>
    public string? Event { get; init; }

    /// <summary>The caller of an <c>incomingcall</c>, the registered account of <c>registered</c>.</summary>
    public string? Username { get; init; }
    public string? Displayname { get; init; }
    public string? Callee { get; init; }
    public string? Caller { get; init; }
    public int? Code { get; init; }
    public string? Reason { get; init; }

    /// <summary><see cref="Event"/> as an enum.</summary>
    [JsonIgnore] public SipEventKind Kind => JanusEnumNames.Parse(Event, SipEventKind.Unknown);

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The SIP plugin's events (<c>result.event</c>).</summary>
public enum SipEventKind
{
    Unknown,
    Registering, Registered, RegistrationFailed, Unregistering, Unregistered,
    Calling, Ringing, Proceeding, Progress, IncomingCall, Accepting, Accepted, Declining,
    UpdatingCall, Updated, HangingUp, Hangup, MissedCall, Info, Message, Notify, Transfer,
}

/// <summary>The SIP plugin's error codes (<c>JANUS_SIP_ERROR_*</c> in <c>janus_sip.c</c>).</summary>
public enum SipErrorCode
{
    NoMessage = 440, InvalidJson = 441, InvalidRequest = 442, MissingElement = 443, InvalidElement = 444,
    /// <summary>Sent for <c>register</c> while registered, registering or unregistering alike.</summary>
    AlreadyRegistered = 445,
    InvalidAddress = 446,
    /// <summary>The request does not fit the call's state (e.g. <c>accept</c> with no call ringing).</summary>
    WrongState = 447,
    MissingSdp = 448, LibsofiaError = 449, IoError = 450, RecordingError = 451, TooStrict = 452, HelperError = 453,
    NoSuchCallId = 454, NoSuchStream = 455, UnknownError = 499,
}
