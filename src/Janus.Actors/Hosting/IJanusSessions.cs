using System.Text.Json;
using Janus.Actors.Sessions;
using Janus.Actors.Transports;

namespace Janus.Actors.Hosting;

/// <summary>
/// The async façade over the session actors, for code that is not written as actors (e.g. ASP.NET endpoints).
/// Failures are typed <see cref="JanusException"/>s.
/// </summary>
public interface IJanusSessions
{
    /// <summary>
    /// Creates a Janus session under <paramref name="key"/>, or adopts <paramref name="adoptJanusSessionId"/> by
    /// claiming it. Returns once the session is persisted, so a crash afterwards cannot lose it.
    /// </summary>
    /// <exception cref="JanusSessionExistsException">the key is taken.</exception>
    /// <exception cref="JanusSessionReclaimException">adoption failed (e.g. 458: Janus has no such session).</exception>
    /// <exception cref="JanusRequestException">Janus refused the create.</exception>
    Task<JanusSessionInfo> CreateAsync(string key, JanusTransportKind transport, long? adoptJanusSessionId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (or adopts) a session as <paramref name="command"/> says, on the server it names or, if none, where the
    /// <see cref="Servers.IJanusServerSelector"/> places it.
    /// </summary>
    /// <exception cref="Servers.JanusServerNotFoundException">the named server is not configured (or an adoption named none among several).</exception>
    /// <exception cref="Servers.JanusNoServerAvailableException">no server can take it (draining, retired, full, unreachable, 472).</exception>
    Task<JanusSessionInfo> CreateAsync(CreateSession command, CancellationToken cancellationToken);

    /// <summary>Every configured Janus server with its state, live sessions and what its <c>info</c> last said.</summary>
    Task<IReadOnlyList<Servers.JanusServerStatus>> ListServersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops placing new sessions on <paramref name="server"/> (on every node of a cluster) and, when its Admin API is
    /// configured, makes Janus itself refuse creates (<c>accept_new_sessions: false</c>: 472). Its sessions keep working.
    /// </summary>
    /// <exception cref="Servers.JanusServerNotFoundException">no such server is configured.</exception>
    Task<Servers.JanusDrainResult> DrainServerAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>Undoes <see cref="DrainServerAsync"/>.</summary>
    /// <exception cref="Servers.JanusServerNotFoundException">no such server is configured.</exception>
    Task<Servers.JanusDrainResult> UndrainServerAsync(string server, CancellationToken cancellationToken = default);

    /// <summary>
    /// The restart-safe way to start a session: creates it under <paramref name="key"/> on the first start of your backend,
    /// and on later starts returns the session the journal already has (being reclaimed, or active) instead of failing.
    /// <see cref="CreateOrResumeResult.Created"/> says which, so your code knows whether to set the session up (attach,
    /// register, join) or to pick it up where it was. A resumed session may have ended while your process was down: its
    /// <see cref="JanusSessionInfo.State"/> is then <c>Lost</c> or <c>Destroyed</c>, and the key stays taken until the session
    /// is forgotten (<see cref="Persistence.JanusJournalOptions.EndedSessionRetention"/>).
    /// </summary>
    /// <exception cref="JanusRequestException">Janus refused the create.</exception>
    /// <exception cref="JanusSessionUnavailableException">Janus or the journal is unreachable: nothing was created; try again later.</exception>
    Task<CreateOrResumeResult> CreateOrResumeAsync(string key, JanusTransportKind transport, CancellationToken cancellationToken = default);

    /// <summary>The session, or null when no session has this key (or its session ended and was forgotten).</summary>
    Task<JanusSessionInfo?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Every session this node knows, including ended ones still within their retention (<see cref="Persistence.JanusJournalOptions.EndedSessionRetention"/>).</summary>
    Task<IReadOnlyList<JanusSessionInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Attaches a plugin handle and returns its id once persisted.</summary>
    Task<long> AttachAsync(string key, string plugin, string? opaqueId = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a plugin message and returns the plugin's answer (synchronous or its asynchronous event).</summary>
    Task<PluginReply> SendAsync(string key, long handleId, JsonElement body, JsonElement? jsep = null, CancellationToken cancellationToken = default);

    Task TrickleAsync(string key, long handleId, JsonElement candidate, CancellationToken cancellationToken = default);

    Task HangupAsync(string key, long handleId, CancellationToken cancellationToken = default);

    Task DetachAsync(string key, long handleId, CancellationToken cancellationToken = default);

    /// <summary>Destroys the session in Janus. Stopping the process never does this; only this call does.</summary>
    Task DestroyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The session's notices from now on, until cancelled or the session ends. A subscriber that arrives after this
    /// process reclaimed the session (typically right after a restart) first gets <see cref="SessionReclaimed"/>;
    /// one that arrives after the session ended gets its <see cref="SessionEnded"/> and the stream completes.
    /// </summary>
    /// <exception cref="JanusSessionNotFoundException">no session has this key (yet: after a restart, until the journal scan found it).</exception>
    IAsyncEnumerable<IJanusSessionNotice> EventsAsync(string key, CancellationToken cancellationToken = default);
}
