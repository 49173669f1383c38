using Janus.Actors.Hosting;
using Janus.Actors.Plugins;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SipCallRecovery;

/// <summary>The SIP account one line registers, and how it answers calls.</summary>
public sealed record SipLineOptions
{
    /// <summary>Our name for the Janus session that holds the line; it survives restarts in the journal.</summary>
    public string SessionKey { get; init; } = "sip-line-alice";

    public string Username { get; init; } = "sip:alice@127.0.0.1";

    public string Secret { get; init; } = "alice";

    /// <summary>The registrar, e.g. <c>sip:pbx.example.com</c>.</summary>
    public string Proxy { get; init; } = "sip:127.0.0.1:5060";

    /// <summary>The SIP response an incoming call gets: this example declines every call (603 Decline).</summary>
    public int DeclineCode { get; init; } = 603;
}

/// <summary>
/// One SIP line held in Janus's SIP plugin. On the first start it creates a Janus session, attaches the SIP plugin and
/// registers; after a crash the library reclaims that same session and handle (the registration lives in Janus, so
/// it stands) and reads the handle back from Janus's Admin API: the registration as the SIP plugin knows it, and a call
/// that rang while the backend was down (its <c>incomingcall</c> event was dropped by Janus), which the line answers
/// now. Incoming calls arrive as <c>incomingcall</c> events on the handle; this line declines them — a real backend
/// would ring a browser and <c>accept</c> with its SDP answer.
/// </summary>
public sealed class SipLine(IJanusSessions sessions, IOptions<SipLineOptions> options, ILogger<SipLine> logger, IHostApplicationLifetime lifetime)
    : BackgroundService
{
    private readonly SipLineOptions _line = options.Value;
    private string Key => _line.SessionKey;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // First start: created. Later starts: the journal has the key and the library is already reclaiming it.
        var (_, created) = await sessions.CreateOrResumeAsync(Key, JanusTransportKind.WebSocket, stopping);

        // Subscribe before the first request: the first MoveNextAsync sends the subscription, so the "registered"
        // event of the register below cannot slip past us.
        await using var notices = sessions.EventsAsync(Key, stopping).GetAsyncEnumerator(stopping);
        var next = notices.MoveNextAsync();

        var session = await sessions.GetAsync(Key, stopping) ?? throw new InvalidOperationException($"{Key} vanished");
        var handle = session.Handles.FirstOrDefault(h => h.Plugin == SipHandle.PluginName)?.HandleId;
        if (handle is null)
        {
            // First start (or a crash between create and attach): attach and register.
            handle = await sessions.AttachAsync(Key, SipHandle.PluginName, cancellationToken: stopping);
            logger.LogInformation("Line {SessionKey}: {Origin} Janus session {JanusSessionId}, attached SIP handle {HandleId}",
                Key, created ? "created" : "resumed", session.JanusSessionId, handle);
            await RegisterAsync(handle.Value, recheck: false, stopping);
        }
        else
        {
            // After a restart the library has recovered the session from the journal and reclaims it on its own.
            logger.LogInformation("Line {SessionKey}: resumed Janus session {JanusSessionId} ({State}), SIP handle {HandleId}",
                Key, session.JanusSessionId, session.State.ToString().ToLowerInvariant(), handle);
        }

        while (await next)
        {
            if (!await OnNoticeAsync(notices.Current, handle.Value, stopping))
                return;
            next = notices.MoveNextAsync();
        }
    }

    /// <summary>Handles one notice; false once the session is over.</summary>
    private async Task<bool> OnNoticeAsync(IJanusSessionNotice notice, long handle, CancellationToken stopping)
    {
        switch (notice)
        {
            case SessionReclaimed reclaimed:
                // Janus dropped every event of the gap, but its SIP plugin went on: the library read the handle back.
                foreach (var found in reclaimed.Handles.Where(h => h.HandleId == handle))
                    if (!await OnHandleFoundAsync(found, handle, stopping))
                        return false;
                return true;

            case JanusEventReceived { Event.Sender: var sender } received when sender == handle && SipHandle.EventOf(received.Event) is { } sip:
                await OnSipEventAsync(sip, handle, stopping);
                return true;

            case SessionEnded ended:
                // Final: Janus no longer has the session (it timed out, or the secret is wrong). The line has to be
                // provisioned again under a new session key; retrying this one cannot help.
                logger.LogError("Line {SessionKey} ended: {State} {Code} {Reason}", Key,
                    ended.State.ToString().ToLowerInvariant(), ended.Error?.Code, ended.Error?.Reason);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
                return false;

            default:
                return true;
        }
    }

    /// <summary>Where the SIP handle stands after the reclaim, as Janus's SIP plugin says; false when the line cannot go on.</summary>
    private async Task<bool> OnHandleFoundAsync(HandleResync found, long handle, CancellationToken stopping)
    {
        switch (found)
        {
            case HandleResynced resynced when resynced.SipState() is { } sip:
                logger.LogInformation("Line {SessionKey} reclaimed: {Username} is {Registration}, call {Call} (Janus's SIP plugin)",
                    Key, _line.Username, sip.Registration.ToString().ToLowerInvariant(), sip.Call.ToString().ToLowerInvariant());
                if (sip.Registration is SipRegistrationStatus.Failed or SipRegistrationStatus.Unregistered)
                    await RegisterAsync(handle, recheck: false, stopping);
                return true;
            case PendingOfferRecovered offer:
                logger.LogInformation("A call from {Caller} rang on handle {HandleId} while the backend was down ({Offer})",
                    offer.Caller, handle, offer.Jsep is null ? "without SDP" : "its WebRTC offer recovered");
                await DeclineAsync(offer.Caller, handle, stopping);
                return true;
            case HandleNotResynced unknown:
                // No Admin API: the plugin's state is unknown, ask the plugin (445 means the registration stands).
                logger.LogWarning("Line {SessionKey} reclaimed, SIP state unknown ({Reason}): re-checking the registration", Key, unknown.Reason);
                await RegisterAsync(handle, recheck: true, stopping);
                return true;
            case HandleGone:
                logger.LogError("Janus no longer has SIP handle {HandleId} of line {SessionKey}: provision the line again", handle, Key);
                Environment.ExitCode = 2;
                lifetime.StopApplication();
                return false;
            default:
                return true;
        }
    }

    private async Task DeclineAsync(string? caller, long handle, CancellationToken stopping)
    {
        var declining = await sessions.Sip(Key, handle).DeclineAsync(_line.DeclineCode, stopping);
        logger.LogInformation("Declined the call from {Caller}: SIP {Code} sent", caller, declining.Result.Code);
    }

    private async Task OnSipEventAsync(SipEvent sip, long handle, CancellationToken stopping)
    {
        var result = sip.Result;
        switch (result.Kind)
        {
            case SipEventKind.Registered:
                logger.LogInformation("Registered {Username}: calls to it now reach handle {HandleId}", _line.Username, handle);
                break;
            case SipEventKind.RegistrationFailed:
                logger.LogWarning("Registration of {Username} failed: {Code} {Reason}", _line.Username, result.Code, result.Reason);
                break;
            case SipEventKind.IncomingCall:
                logger.LogInformation("Incoming call from {Caller} on handle {HandleId} (Call-ID {CallId})", result.Username, handle, sip.CallId);
                await DeclineAsync(result.Username, handle, stopping);
                break;
            case SipEventKind.MissedCall:
                logger.LogWarning("Missed a call from {Caller}: the line was busy", result.Caller);
                break;
            case SipEventKind.Hangup:
                logger.LogInformation("Call {CallId} over: {Code} {Reason}", sip.CallId, result.Code, result.Reason);
                break;
        }
    }

    /// <summary>
    /// Sends <c>register</c>. On a re-check the SIP plugin answers 445 "Already registered" when the registration
    /// stands — or is being renewed or removed: it cannot tell those apart (the Admin API can, see above) — and nothing
    /// is sent to the registrar; otherwise it registers again.
    /// </summary>
    private async Task RegisterAsync(long handle, bool recheck, CancellationToken stopping)
    {
        if (!recheck)
            logger.LogInformation("Registering {Username} at {Proxy}", _line.Username, _line.Proxy);
        try
        {
            await sessions.Sip(Key, handle).RegisterAsync(new SipAccount(_line.Username) { Secret = _line.Secret, Proxy = _line.Proxy }, stopping);
            if (recheck)
                logger.LogWarning("Registration of {Username} was gone after the gap: registering again", _line.Username);
        }
        catch (JanusPluginException<SipErrorCode> e) when (e.Error == SipErrorCode.AlreadyRegistered)
        {
            logger.LogInformation("Registration of {Username} still stands after the reclaim (SIP plugin: {Code} {Error})", _line.Username, e.Code, e.Reason);
        }
    }
}
