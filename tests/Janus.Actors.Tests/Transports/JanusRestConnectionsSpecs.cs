using Akka.Event;
using Janus.Actors.Servers;

namespace Janus.Actors.Tests.Transports;

/// <summary>
/// A server's REST connections decide when a recovered session may drain Janus's queue before its claim: a drain that
/// finds nothing holds one of Janus's connections for 30 s, so only with one to spare beside every session's long poll,
/// the request connections and the dead process's polls — and, while a node recovers many, for all of them or none.
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusRestConnectionsSpecs : IDisposable
{
    private readonly JanusRestConnections _connections = new(JanusServerSettings.DefaultName, limit: 20, requestConnections: 2, NoLogger.Instance);

    [Fact]
    public void Recovering_sessions_all_drain_when_there_is_a_connection_for_each()
    {
        // 20 less 2 request connections, 6 sessions' polls and the dead process's 6: 6 to spare for 6.
        _connections.Recovering(6);

        Assert.Equal(6, Enumerable.Range(0, 7).Count(_ => _connections.TryStartDrain()));
        _connections.DrainDone();
        Assert.True(_connections.TryStartDrain());
    }

    [Fact]
    public void Recovering_sessions_none_of_which_drains_when_one_of_them_would_find_no_connection()
    {
        _connections.Recovering(7); // 20 less 2, 7 and 7: 4 to spare for 7

        Assert.False(_connections.TryStartDrain());
    }

    [Fact]
    public void The_other_nodes_sessions_and_the_dead_polls_assumed_count_too()
    {
        _connections.OtherNodesSessions = 15; // 20 less 2 and 15: 3 to spare
        Assert.True(_connections.TryStartDrain());
        _connections.DrainDone();

        _connections.AssumeDeadPoll();
        _connections.AssumeDeadPoll();
        _connections.AssumeDeadPoll(); // none to spare

        Assert.False(_connections.TryStartDrain());
    }

    public void Dispose() => _connections.Dispose();
}
