using Akka.Actor;
using Akka.Event;
using Janus.Actors.Servers;
using static Janus.Actors.Supervision.SessionRegistryProtocol;

namespace Janus.Actors.Supervision;

// The Janus servers: this node's monitors, the other nodes' reports and drains, placement, and what is said once per server.
internal sealed partial class JanusSessionRegistry
{
    private void ReceiveServerMessages()
    {
        Receive<ListServers>(_ => Sender.Tell(new ServerList(_servers.Statuses())));
        Receive<DrainServer>(OnDrain);

        Receive<JanusServerMonitor.Probed>(_servers.Probed);
        Receive<JanusServerMonitor.AdminApplied>(applied =>
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
        Receive<SessionOnUnknownServer>(stranded => _serverWatch.Stranded(stranded.Server, Timers));
        Receive<SessionLostToRestart>(lost => _serverWatch.LostToRestart(lost.Server, Timers));
        Receive<JanusServerWatch.Report>(report => _serverWatch.OnReport(report, Timers, _scanning || _unregistered.Count > 0));
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
        if (_monitors.TryGetValue(drain.Server, out var monitor)) monitor.Tell(new JanusServerMonitor.SetAcceptNewSessions(!drain.Drain, Sender));
        else Sender.Tell(new JanusDrainResult(_servers.Status(drain.Server), "the server is retired"));
    }

    /// <summary>A monitor per server in service, and this node's load report for the others (a no-op on one node).</summary>
    private void StartServerMonitors()
    {
        foreach (var link in _transports.All.Where(link => !link.Settings.Retired))
            _monitors[link.Settings.Name] = Context.ActorOf(JanusServerMonitor.Props(link), "server-" + link.Settings.Name);
        Timers.StartPeriodicTimer("server-load", ShareServerLoad.Instance, _options.ServerProbeInterval);
    }

    /// <summary>The other nodes' REST sessions hold connections of the same servers: a recovering session drains only beside them.</summary>
    private void TellRestConnectionsOfOtherNodes()
    {
        foreach (var link in _transports.All)
            if (link.Rest is { } rest) rest.OtherNodesSessions = _servers.RestOnOtherNodes(link.Settings.Name);
    }

    /// <summary>This node's address with host and port (an actor path's own address has neither).</summary>
    private string NodeAddress => ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString();

    private sealed record ShareServerLoad : INoSerializationVerificationNeeded
    {
        public static readonly ShareServerLoad Instance = new();
    }
}
