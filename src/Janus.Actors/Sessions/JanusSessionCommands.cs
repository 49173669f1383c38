using System.Text.Json;
using Akka.Actor;
using Janus.Actors.Transports;

namespace Janus.Actors.Sessions;

// Commands a session accepts, sent to the sessions' registry (IRequiredActor<IJanusSessions>) and routed by Key. Each
// is answered with the reply named on it (JanusSessionReplies.cs), or with a Status.Failure carrying a typed
// JanusException (JanusSessionReclaimException, JanusRequestException, JanusSessionUnavailableException, ...).

/// <summary>A request for one session, routed by <see cref="Key"/>.</summary>
public interface IJanusSessionCommand
{
    /// <summary>The caller's name for the session (a call id, a room id).</summary>
    string Key { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the caller's span, which the session's requests to Janus join (set by
    /// <see cref="Hosting.IJanusSessions"/>; see <see cref="Diagnostics.JanusTracing"/>); null: none.
    /// </summary>
    string? TraceParent => null;
}

/// <summary>
/// Create a Janus session, or adopt an existing one by claiming <paramref name="AdoptJanusSessionId"/>.
/// Answered with <see cref="JanusSessionInfo"/> once the session is persisted.
/// </summary>
/// <param name="Key">The caller's name for the session.</param>
/// <param name="Transport">How the session talks to Janus.</param>
/// <param name="AdoptJanusSessionId">An existing Janus session to claim instead of creating one.</param>
/// <param name="Server">
/// The Janus server (<c>Janus:Servers</c>) to create it on, or the one the adopted id lives on; null: placed by the
/// <see cref="Servers.IJanusServerSelector"/>, and moved to the next server when one refuses new sessions (472) or cannot
/// be reached. An adoption must name its server when several are configured.
/// </param>
/// <param name="Zone">The zone the session should be placed in when a server there can take it; placement only.</param>
public sealed record CreateSession(string Key, JanusTransportKind Transport, long? AdoptJanusSessionId = null, string? Server = null,
    string? Zone = null) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Answered with <see cref="JanusSessionInfo"/>.</summary>
public sealed record GetSession(string Key) : IJanusSessionCommand;

/// <summary>Answered with <see cref="HandleAttachedReply"/> once the handle is persisted.</summary>
public sealed record AttachHandle(string Key, string Plugin, string? OpaqueId = null) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Answered with <see cref="PluginReply"/>: the plugin's synchronous answer or its asynchronous event.</summary>
public sealed record SendPluginMessage(string Key, long HandleId, JsonElement Body, JsonElement? Jsep = null) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Answered with <see cref="CommandDone"/> on Janus's ack.</summary>
public sealed record Trickle(string Key, long HandleId, JsonElement Candidate) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Answered with <see cref="CommandDone"/>.</summary>
public sealed record Hangup(string Key, long HandleId) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Answered with <see cref="CommandDone"/> once the detach is persisted.</summary>
public sealed record DetachHandle(string Key, long HandleId) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>Destroys the session in Janus; answered with <see cref="CommandDone"/> once persisted.</summary>
public sealed record DestroySession(string Key) : IJanusSessionCommand
{
    /// <inheritdoc />
    public string? TraceParent { get; init; }
}

/// <summary>
/// Start sending <see cref="IJanusSessionNotice"/>s of this session to <paramref name="Subscriber"/>; answered with
/// <see cref="CommandDone"/>.
/// </summary>
public sealed record SubscribeToSession(string Key, IActorRef Subscriber) : IJanusSessionCommand;

/// <summary>Stop sending this session's notices to <paramref name="Subscriber"/>.</summary>
public sealed record UnsubscribeFromSession(string Key, IActorRef Subscriber) : IJanusSessionCommand;
