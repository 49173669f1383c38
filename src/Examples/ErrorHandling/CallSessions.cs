using Janus.Actors.Hosting;
using Janus.Actors.Plugins;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;
using Microsoft.Extensions.Logging;

namespace ErrorHandling;

/// <summary>
/// The code a backend writes around <see cref="IJanusSessions"/> so that every failure ends in the right place.
/// The rule: a failure Janus gave for good (458 session not found, 403 unauthorized, a lapsed reclaim window) is final
/// — end the call for its user, never retry; anything transient (Janus unreachable, a dropped socket) is the library's
/// job: it reclaims with backoff inside the reclaim window and tells you with <see cref="SessionReclaimed"/>.
/// </summary>
public sealed class CallSessions(IJanusSessions sessions, ILogger<CallSessions> logger)
{
    /// <summary>Creates a session; null when Janus refuses it for good.</summary>
    public async Task<JanusSessionInfo?> CreateAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await sessions.CreateAsync(key, JanusTransportKind.WebSocket, cancellationToken: cancellationToken);
        }
        catch (JanusRequestException e) when (e.JanusCode == 403)
        {
            // Janus:ApiSecret or Janus:Token does not match janus.jcfg: a configuration error. Alert; retrying cannot help.
            logger.LogCritical("Janus refused {Request} for {SessionKey}: {Code} {Reason}; check Janus:ApiSecret and Janus:Token",
                e.Request, key, e.JanusCode, e.Reason);
            return null;
        }
        // JanusSessionUnavailableException: Janus unreachable or slow; nothing was created, try again later (503 to
        // your caller). JanusSessionExistsException: the key is taken (after a restart: CreateOrResumeAsync resumes it).
    }

    /// <summary>Adopts a Janus session created elsewhere (e.g. by a browser's janus.js); null when Janus does not have it.</summary>
    public async Task<JanusSessionInfo?> AdoptAsync(string key, long janusSessionId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await sessions.CreateAsync(key, JanusTransportKind.WebSocket, adoptJanusSessionId: janusSessionId, cancellationToken);
        }
        catch (JanusSessionReclaimException e) when (e.IsFinal)
        {
            // 458: Janus has no such session (it timed out, was destroyed, or never existed). Final: the browser must
            // start a new session. The key is free again. Never echo the id to an unauthenticated caller: it is a capability.
            logger.LogWarning("Cannot adopt a Janus session for {SessionKey}: {Code} {Reason} (final: {IsFinal})",
                e.SessionKey, e.JanusCode, e.Reason, e.IsFinal);
            return null;
        }
    }

    /// <summary>
    /// After a restart the library finds persisted sessions by scanning its journal in the background: until the scan
    /// reached a key, <c>GetAsync</c> returns null and <c>EventsAsync</c> throws <see cref="JanusSessionNotFoundException"/>.
    /// </summary>
    public async Task<JanusSessionInfo> WaitForSessionAsync(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await sessions.GetAsync(key, cancellationToken) is { } session)
                return session;
            if (DateTime.UtcNow > deadline)
                throw new JanusSessionNotFoundException(key);
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>
    /// Follows a session until it ends: re-reads plugin state after every reclaim, and returns the error of a lost
    /// session (null when it was destroyed, i.e. ended on purpose).
    /// </summary>
    public async Task<JanusSessionError?> FollowAsync(string key, Func<Task> resynchronise, CancellationToken cancellationToken)
    {
        await foreach (var notice in sessions.EventsAsync(key, cancellationToken))
        {
            switch (notice)
            {
                case SessionReclaimed:
                    // Janus dropped the events of the gap: re-read what matters (listparticipants, registration, ...).
                    logger.LogInformation("{SessionKey} reclaimed: events may have been missed; re-reading plugin state", key);
                    await resynchronise();
                    break;
                case SessionEnded { State: JanusSessionStatus.Lost } ended:
                    // Final and persisted: no process will claim it again. End the call for its user and clean up.
                    logger.LogError("{SessionKey} lost: Janus code {Code}, {Reason}", key, ended.Error?.Code, ended.Error?.Reason);
                    return ended.Error;
                case SessionEnded:
                    return null;
            }
        }
        return null;
    }

    /// <summary>
    /// A plugin request that rides out a reclaim. While the session is reclaiming, requests wait for the claim; one
    /// that was already on the wire when the connection dropped fails with <see cref="JanusSessionUnavailableException"/>
    /// in state <c>Reclaiming</c> and is worth repeating (make such requests idempotent).
    /// </summary>
    public async Task<EchoTestAnswer> EchoAsync(string key, long handleId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await sessions.EchoTest(key, handleId).ConfigureAsync(audio: true, cancellationToken: cancellationToken);
            }
            catch (JanusSessionUnavailableException e) when (e.State == JanusSessionStatus.Reclaiming && attempt < 5)
            {
                logger.LogInformation("{SessionKey} is reclaiming; repeating the request in 1 s", key);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            // JanusSessionUnavailableException in state Lost or Destroyed: final, let it surface.
            // JanusRequestException: Janus refused this request (e.g. 459 no such handle); fix the request.
            // JanusPluginException<EchoTestErrorCode>: the plugin refused it; its Error says why.
        }
    }
}
