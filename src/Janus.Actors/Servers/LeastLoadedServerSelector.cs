namespace Janus.Actors.Servers;

/// <summary>
/// The default placement: among the servers that are up (not draining, unreachable or retired), have the session's
/// transport, were not yet tried by this create and are below their capacity, those in the requested zone when any is; of those, the lowest live sessions ÷
/// capacity (a server without a capacity counts as empty), then the lowest live sessions ÷ weight (weight 0 last), then
/// configuration order. Only when no such server is up does it try the unreachable ones the same way: their last probe
/// may be up to <see cref="JanusOptions.ServerProbeInterval"/> old, and a create that finds one still down moves on.
/// </summary>
public sealed class LeastLoadedServerSelector : IJanusServerSelector
{
    /// <inheritdoc />
    public JanusServerStatus? Select(JanusPlacementRequest request, IReadOnlyList<JanusServerStatus> servers)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(servers);
        return Choose(request, servers, JanusServerState.Up) ?? Choose(request, servers, JanusServerState.Unreachable);
    }

    private static JanusServerStatus? Choose(JanusPlacementRequest request, IReadOnlyList<JanusServerStatus> servers, JanusServerState state)
    {
        var open = servers
            .Select((server, order) => (server, order))
            .Where(s => s.server.State == state && s.server.Settings.Serves(request.Transport) && !request.Tried.Contains(s.server.Name)
                        && s.server.LiveSessions < (s.server.Settings.Capacity ?? long.MaxValue))
            .ToList();
        if (request.Zone is { } zone && open.Any(s => string.Equals(s.server.Settings.Zone, zone, StringComparison.OrdinalIgnoreCase)))
            open.RemoveAll(s => !string.Equals(s.server.Settings.Zone, zone, StringComparison.OrdinalIgnoreCase));
        return open
            .OrderBy(s => s.server.Settings.Capacity is { } capacity ? (double)s.server.LiveSessions / capacity : 0)
            .ThenBy(s => s.server.Settings.Weight > 0 ? (double)s.server.LiveSessions / s.server.Settings.Weight : double.PositiveInfinity)
            .ThenBy(s => s.order)
            .Select(s => s.server)
            .FirstOrDefault();
    }
}
