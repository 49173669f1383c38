using Akka.Actor;
using Akka.Event;
using Janus.Actors.Servers;
using static Janus.Actors.Registry.SessionRegistryProtocol;
using static Janus.Actors.Sessions.SessionReports;

namespace Janus.Actors.Registry;

// The Janus servers: what their homes on this node found, the other nodes' reports and drains, and placement.
internal sealed partial class JanusSessionRegistry
{
    private void ReceiveServerMessages()
    {
        Receive<ListServers>(_ => Sender.Tell(new ServerList(_servers.Statuses())));
        Receive<DrainServer>(OnDrain);

        Receive<JanusServerActor.Probed>(_servers.Probed);
        Receive<JanusServerActor.AdminApplied>(applied =>
        {
            if (applied.Problem is null) _servers.JanusAccepts(applied.Server, applied.Accept);
            applied.ReplyTo.Tell(new JanusDrainResult(_servers.Status(applied.Server), applied.Problem));
        });
        Receive<ServerDrainChanged>(changed => // every node's, this one's too: applying it twice changes nothing
        {
            if (_servers.Knows(changed.Server)) _servers.SetDrained(changed.Server, changed.Drained);
        });
        Receive<ServerLoadReport>(report =>
        {
            if (report.Node == NodeAddress) return;
            _servers.OnOtherNode(report.Node, report.Live, report.LiveRest);
            TellRestConnectionsOfOtherNodes();
        });
        Receive<ShareServerLoad>(_ =>
        {
            _servers.ForgetQuietNodes(DateTime.UtcNow - _options.ServerProbeInterval * 3);
            _servers.ForgetStalePlacements(DateTime.UtcNow - _askTimeout * 2);
            TellRestConnectionsOfOtherNodes();
            _topology.ShareWithOtherNodes(new ServerLoadReport(NodeAddress, _servers.LiveHere(), _servers.LiveRestHere()));
        });
        Receive<PlaceSession>(place => Sender.Tell(_servers.Place(place)));
        Receive<CreatingOn>(_servers.Creating);
        Receive<SessionOnUnknownServer>(stranded => _stranded.Stranded(stranded.Server, Timers));
        Receive<StrandedSessions.Report>(_ => _stranded.OnReport(Timers, _scanning || _unregistered.Count > 0));
    }

    /// <summary>
    /// A drain (or undrain) holds placement on this node at once and on the others through the topology; with an Admin API,
    /// Janus itself is told too, and the answer waits for it.
    /// </summary>
    private void OnDrain(DrainServer drain)
    {
        if (!_servers.Knows(drain.Server))
        {
            Sender.Tell(new Status.Failure(new JanusServerNotFoundException(drain.Server, _servers.Names)));
            return;
        }
        _servers.SetDrained(drain.Server, drain.Drain);
        _topology.ShareWithOtherNodes(new ServerDrainChanged(drain.Server, drain.Drain));
        _log.Info(drain.Drain ? "Janus server '{Server}' drained: no new sessions are placed there" : "Janus server '{Server}' undrained: it takes new sessions again",
            drain.Server);
        var home = _homes.Find(drain.Server)!;
        if (home.Settings.Retired) Sender.Tell(new JanusDrainResult(_servers.Status(drain.Server), "the server is retired"));
        else home.Home.Tell(new JanusServerActor.SetAcceptNewSessions(!drain.Drain, Sender));
    }

    /// <summary>What every server's home finds, and this node's load report for the others (a no-op on one node).</summary>
    private void FollowServers()
    {
        foreach (var link in _homes.All) link.Home.Tell(JanusServerActor.Subscribe.Instance);
        Timers.StartPeriodicTimer("server-load", ShareServerLoad.Instance, _options.ServerProbeInterval);
    }

    /// <summary>The other nodes' REST sessions hold connections of the same servers: a recovering session drains only beside them.</summary>
    private void TellRestConnectionsOfOtherNodes()
    {
        foreach (var link in _homes.All)
            if (link.Rest is { } rest) rest.OtherNodesSessions = _servers.RestOnOtherNodes(link.Settings.Name);
    }

    /// <summary>This node's address with host and port (an actor path's own address has neither).</summary>
    private string NodeAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private sealed record ShareServerLoad : INoSerializationVerificationNeeded
    {
        public static readonly ShareServerLoad Instance = new();
    }
}
