using System.Text.Json;
using System.Text.Json.Nodes;
using Janus.Actors.Servers;

namespace Janus.Actors.Sessions;

/// <summary>What the Admin API's reads of a session's handles mean for the application (<see cref="HandleResync"/>).</summary>
internal static class HandleResyncs
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public static IReadOnlyList<HandleResync> From(IEnumerable<HandleRead> reads) => reads.SelectMany(From).ToList();

    /// <summary>
    /// One handle: gone, not read, or its <c>handle_info</c> — the plugin state, and an offer Janus made for the client that
    /// no answer followed (<c>got-offer</c> without <c>got-answer</c>, the offer in <c>sdps.local</c>) or a SIP call that
    /// rings (<c>call_status</c> <c>invited</c>; an INVITE without SDP leaves no offer; the caller is the <c>callee</c> member).
    /// </summary>
    internal static IEnumerable<HandleResync> From(HandleRead read)
    {
        if (read.Gone) return [new HandleGone(read.HandleId, read.Plugin)];
        if (read.Info is not { } info) return [new HandleNotResynced(read.HandleId, read.Plugin, read.Problem!)];
        var state = info.TryGetProperty("plugin_specific", out var specific) ? specific.Clone() : EmptyObject;
        var flags = info.TryGetProperty("flags", out var f) ? f : EmptyObject;
        var resynced = new HandleResynced(read.HandleId, read.Plugin, state, Flag(flags, "negotiated"));
        var offer = Flag(flags, "got-offer") && !Flag(flags, "got-answer") && Member(info, "sdps", "local") is { } sdp
            ? JsonDocument.Parse(new JsonObject { ["type"] = "offer", ["sdp"] = sdp }.ToJsonString()).RootElement
            : (JsonElement?)null;
        var caller = read.Plugin == SipPluginName && Member(info, "plugin_specific", "call_status") == "invited" ? Member(info, "plugin_specific", "callee") : null;
        if (offer is null && caller is null) return [resynced];
        return [resynced, new PendingOfferRecovered(read.HandleId, read.Plugin, offer, caller)];
    }

    private const string SipPluginName = "janus.plugin.sip";

    private static bool Flag(JsonElement flags, string name) =>
        flags.ValueKind == JsonValueKind.Object && flags.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? Member(JsonElement info, string outer, string name) =>
        info.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object &&
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
