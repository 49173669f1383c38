using System.Text.Json;
using Janus.Actors.Protocol;

namespace Janus.Actors.Servers;

/// <summary>What Janus's <c>info</c> says about the server (the parts this library depends on).</summary>
/// <param name="Version">e.g. <c>1.1.2</c>.</param>
/// <param name="SessionTimeoutSeconds"><c>session_timeout</c>.</param>
/// <param name="ReclaimSessionTimeoutSeconds"><c>reclaim_session_timeout</c>: 0 means WebSocket sessions cannot survive a crash.</param>
/// <param name="AcceptingNewSessions"><c>accepting-new-sessions</c>: false once the Admin API's <c>accept_new_sessions</c> drained it (creates then answer 472).</param>
public sealed record JanusServerInfo(string? Version, int SessionTimeoutSeconds, int ReclaimSessionTimeoutSeconds, bool AcceptingNewSessions = true)
{
    /// <summary>
    /// The one reading of a <c>server_info</c> reply, wherever it came from (a server's probe, a WebSocket's first
    /// request, a session's own <c>info</c>): members Janus did not send read as 0, or as accepting.
    /// </summary>
    internal static JanusServerInfo From(JanusMessage info) => new(
        info.Extra?.GetValueOrDefault("version_string") is { ValueKind: JsonValueKind.String } version ? version.GetString() : null,
        info.ServerSessionTimeout ?? 0,
        info.ServerReclaimSessionTimeout ?? 0,
        info.Extra?.GetValueOrDefault("accepting-new-sessions") is not { ValueKind: JsonValueKind.False });
}
