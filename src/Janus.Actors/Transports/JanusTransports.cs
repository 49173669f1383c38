using Akka.Event;
using Akka.Actor;
using Janus.Actors.Diagnostics;
using Janus.Actors.Servers;

namespace Janus.Actors.Transports;

/// <summary>
/// How a node's sessions reach their Janus servers: per configured server (<see cref="JanusOptions.EffectiveServers"/>)
/// one <see cref="JanusServerLink"/>. A session finds its own server's link by the name it persisted, so its claims,
/// keep-alives and requests never go anywhere else.
/// </summary>
internal sealed class JanusTransports
{
    private readonly IReadOnlyList<JanusServerLink> _servers;
    private readonly IReadOnlyDictionary<string, JanusServerLink> _byName;

    public JanusTransports(IEnumerable<JanusServerLink> servers)
    {
        _servers = servers.ToList();
        _byName = _servers.ToDictionary(link => link.Settings.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Every configured server's link, with its shared WebSockets started in <paramref name="system"/> (named
    /// <c>janus-connections-{server}</c>) when it has a WebSocket URL, and its REST connections when it has a REST URL
    /// (closed when the system terminates).
    /// </summary>
    public static JanusTransports Start(ActorSystem system, JanusOptions options)
    {
        var transports = new JanusTransports(options.EffectiveServers().Select(server =>
        {
            var serverOptions = options.ForServer(server);
            var connections = server.WebSocketUrl is null
                ? ActorRefs.Nobody
                : system.ActorOf(JanusConnectionPool.Props(serverOptions), JanusConnectionPool.NameFor(server.Name));
            var rest = server.RestUrl is null
                ? null
                : new JanusRestConnections(server, options.RestRequestConnections, Logging.GetLogger(system, typeof(JanusRestConnections)));
            if (rest is not null) JanusMetrics.Track(rest);
            return new JanusServerLink(server, serverOptions, connections, rest);
        }));
        system.RegisterOnTermination(() =>
        {
            foreach (var rest in transports.All.Select(link => link.Rest).OfType<JanusRestConnections>())
            {
                JanusMetrics.Untrack(rest);
                rest.Dispose();
            }
        });
        return transports;
    }

    /// <summary>The servers, in configuration order.</summary>
    public IEnumerable<JanusServerLink> All => _servers;

    /// <summary>The link of a configured server, or null for a name the configuration does not have (any more).</summary>
    public JanusServerLink? Find(string server) => _byName.GetValueOrDefault(server);
}

/// <summary>
/// One Janus server as its sessions see it. A WebSocket session talks straight to the shared connection its
/// <see cref="JanusConnectionPool"/> pins it to: <see cref="JanusTransportCommands.Connect"/> goes to the pool, and the
/// connection answers <see cref="JanusTransportReports.Connected"/> and, if its socket is lost,
/// <see cref="JanusTransportReports.ConnectionLost"/>. A REST session starts a transport child of its own
/// (<see cref="RestProps"/>) on the server's <see cref="JanusRestConnections"/>. Both speak <see cref="JanusTransportCommands"/>.
/// </summary>
/// <param name="Settings">The server as configured.</param>
/// <param name="Options">The node's options with this server's URLs and credentials (<see cref="JanusOptions.ForServer"/>).</param>
/// <param name="Connections">The server's <see cref="JanusConnectionPool"/>; <see cref="ActorRefs.Nobody"/> when it has no WebSocket URL.</param>
/// <param name="Rest">This node's connections to the server's HTTP transport; null when it has no REST URL.</param>
internal sealed record JanusServerLink(JanusServerSettings Settings, JanusOptions Options, IActorRef Connections, JanusRestConnections? Rest = null)
{
    /// <summary>Props of a REST session's transport child; throws when the server has no REST URL.</summary>
    public Props RestProps() => RestTransportActor.Props(Options,
        Rest ?? throw new InvalidOperationException($"JanusOptions.RestUrl is not set for Janus server '{Settings.Name}': REST sessions need it"));
}
