using System.Text.Json;
using System.Text.Json.Nodes;
using Janus.Actors.Plugins;
using Janus.Actors.Protocol;

namespace Janus.Actors.Servers;

/// <summary>
/// A server's reads of its sessions' handles after a reclaim (Admin API <c>handle_info</c>), at most
/// <paramref name="concurrency"/> at once for the whole server, so that ten thousand sessions reclaimed together do not
/// open ten thousand admin requests.
/// </summary>
internal sealed class HandleReads(JanusAdminClient admin, string server, int concurrency, TimeSpan timeout) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency);

    /// <summary>What a server without an Admin API can say of handles after a reclaim: nothing.</summary>
    public static IReadOnlyList<HandleResync> WithoutAdminApi(string server, IEnumerable<(long HandleId, string Plugin)> handles) =>
        handles.Select(handle => (HandleResync)new HandleNotResynced(handle.HandleId, handle.Plugin,
            $"no Admin API is configured for Janus server '{server}' (AdminUrl, AdminSecret): the handle's state after the gap is unknown")).ToList();

    /// <summary>What Janus holds of each handle now, in the handles' order (a pending offer right after its handle).</summary>
    public async Task<IReadOnlyList<HandleResync>> ReadAsync(long janusSessionId, IReadOnlyList<(long HandleId, string Plugin)> handles)
    {
        var reads = await Task.WhenAll(handles.Select(handle => ReadAsync(janusSessionId, handle))).ConfigureAwait(false);
        return reads.SelectMany(read => read).ToList();
    }

    private async Task<IReadOnlyList<HandleResync>> ReadAsync(long janusSessionId, (long HandleId, string Plugin) handle)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            return Resync(handle, await admin.HandleInfoAsync(janusSessionId, handle.HandleId, cancel.Token).ConfigureAwait(false));
        }
        catch (JanusAdminException e) when (e.JanusCode is (int)JanusErrorCode.HandleNotFound or (int)JanusErrorCode.SessionNotFound)
        {
            return [new HandleGone(handle.HandleId, handle.Plugin)];
        }
        catch (Exception e) when (e is JanusAdminException or HttpRequestException or OperationCanceledException or JsonException or KeyNotFoundException)
        {
            var why = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#} s" : e.Message;
            return [new HandleNotResynced(handle.HandleId, handle.Plugin, $"Janus server '{server}''s Admin API did not say: {why}")];
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// Reads <c>handle_info</c>'s <c>info</c>: the plugin state, and an offer Janus made for the client that no answer
    /// followed (<c>got-offer</c> without <c>got-answer</c>, the offer in <c>sdps.local</c>), or a SIP call that rings
    /// (<c>call_status</c> <c>invited</c>; an INVITE without SDP leaves no offer, the caller is the <c>callee</c> member).
    /// </summary>
    internal static IReadOnlyList<HandleResync> Resync((long HandleId, string Plugin) handle, JsonElement info)
    {
        var state = info.TryGetProperty("plugin_specific", out var specific) ? specific.Clone() : EmptyObject;
        var flags = info.TryGetProperty("flags", out var f) ? f : EmptyObject;
        var resynced = new HandleResynced(handle.HandleId, handle.Plugin, state, Flag(flags, "negotiated"));
        var offer = Flag(flags, "got-offer") && !Flag(flags, "got-answer") && LocalSdp(info) is { } sdp
            ? JsonDocument.Parse(new JsonObject { ["type"] = "offer", ["sdp"] = sdp }.ToJsonString()).RootElement
            : (JsonElement?)null;
        var sip = resynced.Sip;
        var ringing = sip is { Call: SipCallStatus.Invited };
        if (offer is null && !ringing) return [resynced];
        return [resynced, new PendingOfferRecovered(handle.HandleId, handle.Plugin, offer, ringing ? sip!.Peer : null)];
    }

    public void Dispose() => _slots.Dispose();

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private static bool Flag(JsonElement flags, string name) =>
        flags.ValueKind == JsonValueKind.Object && flags.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? LocalSdp(JsonElement info) =>
        info.TryGetProperty("sdps", out var sdps) && sdps.ValueKind == JsonValueKind.Object &&
        sdps.TryGetProperty("local", out var local) && local.ValueKind == JsonValueKind.String
            ? local.GetString()
            : null;
}
