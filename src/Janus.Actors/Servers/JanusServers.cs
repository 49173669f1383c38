using Akka.Actor;
using Akka.Event;
using Janus.Actors.Transports;

namespace Janus.Actors.Servers;

/// <summary>
/// The Janus servers of a node: per configured server (<see cref="JanusOptions.EffectiveServers"/>) one
/// <see cref="JanusServerLink"/> to its home. A session finds its own server's link by the name it persisted, so its
/// claims, keep-alives and requests never go anywhere else.
/// </summary>
internal sealed class JanusServers
{
    private readonly IReadOnlyList<JanusServerLink> _servers;
    private readonly IReadOnlyDictionary<string, JanusServerLink> _byName;

    public JanusServers(IEnumerable<JanusServerLink> servers)
    {
        _servers = servers.ToList();
        _byName = _servers.ToDictionary(link => link.Settings.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// Every configured server's home started in <paramref name="system"/> (<see cref="JanusServerActor.NameFor"/>), with
    /// its REST connections when it has a REST URL (closed with the home).
    /// </summary>
    public static JanusServers Start(ActorSystem system, JanusOptions options) =>
        new(options.EffectiveServers().Select(server =>
        {
            var serverOptions = options.ForServer(server);
            var rest = server.RestUrl is null
                ? null
                : new JanusRestConnections(server.Name, server.RestConnectionLimit, options.RestRequestConnections, Logging.GetLogger(system, typeof(JanusRestConnections)));
            var home = system.ActorOf(JanusServerActor.Props(server, serverOptions, rest), JanusServerActor.NameFor(server.Name));
            return new JanusServerLink(server, serverOptions, home, rest);
        }));

    /// <summary>
    /// Why this node must not claim sessions in Janus now, nor long-poll their events (a REST session's hold on them: Janus
    /// gives its events to whichever poll is out), or null: always null on a single node; a cluster node holds back while
    /// its cluster may have given its sessions to others (<c>NodeFencing</c>, set once before any session starts).
    /// </summary>
    public Func<string?> ClaimRefusal { get; set; } = static () => null;

    /// <summary>The servers, in configuration order.</summary>
    public IEnumerable<JanusServerLink> All => _servers;

    /// <summary>The link of a configured server, or null for a name the configuration does not have (any more).</summary>
    public JanusServerLink? Find(string server) => _byName.GetValueOrDefault(server);
}

/// <summary>
/// One Janus server as its sessions see it. A WebSocket session asks its server's home for a shared connection
/// (<see cref="JanusTransportCommands.Connect"/>, passed on to the server's <see cref="JanusConnectionPool"/>), and talks
/// straight to the connection that answers <see cref="JanusTransportReports.Connected"/> and, if its socket is lost,
/// <see cref="JanusTransportReports.ConnectionLost"/>. A REST session starts a transport child of its own
/// (<see cref="RestProps"/>) on the server's <see cref="JanusRestConnections"/>. Both speak <see cref="JanusTransportCommands"/>;
/// a session tells the home how its reclaims end (<see cref="JanusServerActor.ClaimEnded"/>).
/// </summary>
/// <param name="Settings">The server as configured.</param>
/// <param name="Options">The node's options with this server's URLs and credentials (<see cref="JanusOptions.ForServer"/>).</param>
/// <param name="Home">The server's <see cref="JanusServerActor"/>.</param>
/// <param name="Rest">This node's connections to the server's HTTP transport; null when it has no REST URL.</param>
internal sealed record JanusServerLink(JanusServerSettings Settings, JanusOptions Options, IActorRef Home, JanusRestConnections? Rest = null)
{
    /// <summary>
    /// Props of a REST session's transport child, which long-polls only while <paramref name="refusal"/> says nothing
    /// (<see cref="JanusServers.ClaimRefusal"/>); throws when the server has no REST URL.
    /// </summary>
    public Props RestProps(Func<string?> refusal) => RestTransportActor.Props(Options,
        Rest ?? throw new InvalidOperationException($"JanusOptions.RestUrl is not set for Janus server '{Settings.Name}': REST sessions need it"), refusal);

    /// <summary>Whether <paramref name="sender"/> is one of the server's shared connections (they live under its home's pool).</summary>
    public bool IsConnection(IActorRef sender) => sender.Path.Parent is { } pool && (pool.Equals(Home.Path) || Home.Path.Equals(pool.Parent));
}
