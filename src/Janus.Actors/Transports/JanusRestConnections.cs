using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Janus.Actors.Diagnostics;

namespace Janus.Actors.Transports;

/// <summary>
/// This node's connections to one Janus server's HTTP transport, kept inside the server's
/// <c>Servers.JanusServerSettings.RestConnectionLimit</c>. Janus's HTTP transport (libmicrohttpd) serves at most
/// <c>mhd_connection_limit</c> connections; at the limit it accepts no more, and a new connection waits unanswered until one
/// closes (seen on 1.1.2), so every session that needs one stalls. Two lanes, so that neither starves the other:
/// <list type="bullet">
/// <item><see cref="Requests"/>: creates, claims, keep-alives, attaches, messages — at most
/// <see cref="JanusOptions.RestRequestConnections"/>, kept alive and reused; more requests wait here for one. This is the
/// bounded pipeline a crash's thousands of claims go through.</item>
/// <item><see cref="Polls"/>: long polls (<c>GET /janus/{session}</c>), one per REST session with handles, each held until
/// Janus answers it: an event, or a keepalive after 30 s.</item>
/// </list>
/// A long poll is never cancelled once sent: closing our end does not free Janus's (libmicrohttpd does not watch a suspended
/// connection; it stays in CLOSE_WAIT until Janus answers it, seen), so a cancelled poll would hold Janus's connection while
/// this count let another one in.
/// </summary>
internal sealed class JanusRestConnections : IRestConnectionCounts, IDisposable
{
    /// <summary>
    /// How long Janus holds a long poll that no event answers (its keepalive timer, fixed in <c>janus_http.c</c>), plus slack for
    /// its timer thread: a poll of a dead process holds a connection at most this long.
    /// </summary>
    public static readonly TimeSpan JanusLongPollHold = TimeSpan.FromSeconds(32);

    private readonly SocketsHttpHandler _requestHandler;
    private readonly SocketsHttpHandler _pollHandler;
    private readonly SocketsHttpHandler _probeHandler;
    private readonly ILoggingAdapter _log;
    private readonly Queue<DateTime> _deadPollsExpire = new();
    private readonly ConcurrentDictionary<IActorRef, byte> _transports = new();
    private int _requests;
    private int _polls;
    private int _drains;
    private long _lastAnsweredTicks;
    private long _lastUnreachableTicks;
    private int _unreachable; // 1 from a failure until the next answer
    private int _recovering;
    private DateTime _recoveringUntil;

    /// <param name="server">The server's name (metrics, logs).</param>
    /// <param name="limit">Its connection budget (<c>Servers.JanusServerSettings.RestConnectionLimit</c>).</param>
    /// <param name="requestConnections">This node's request lane (<see cref="JanusOptions.RestRequestConnections"/>).</param>
    /// <param name="log">Where its news goes.</param>
    public JanusRestConnections(string server, int limit, int requestConnections, ILoggingAdapter log)
    {
        Server = server;
        Limit = limit;
        RequestConnections = Math.Min(requestConnections, Limit - 1);
        _log = log;
        _requestHandler = Handler(Math.Max(1, RequestConnections - 1));
        _probeHandler = Handler(1);
        _pollHandler = Handler(Limit - RequestConnections);
        Requests = new HttpClient(_requestHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Probe = new HttpClient(_probeHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        Polls = new HttpClient(_pollHandler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // Janus closes a connection idle for 120 s (MHD_OPTION_CONNECTION_TIMEOUT): ours close well before, so a request never
    // goes out on a connection Janus is closing; a poll's is never idle long. Pooled connections live on: each new one is a
    // connection more for Janus while the old one closes.
    private static SocketsHttpHandler Handler(int connections) => new()
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    };

    public string Server { get; }

    /// <summary>The server's connection budget (<c>Servers.JanusServerSettings.RestConnectionLimit</c>).</summary>
    public int Limit { get; }

    /// <summary>Connections for requests, the info probe's among them.</summary>
    public int RequestConnections { get; }

    /// <summary>The request lane, all of <see cref="RequestConnections"/> but the probe's: every request's deadline covers its wait for a connection too.</summary>
    public HttpClient Requests { get; }

    /// <summary>
    /// The server's <c>info</c> probe (its home, <c>Servers.JanusServerActor</c>), on a connection of its own: behind a crash's
    /// thousands of claims it would come late, and a probe that comes late says the server is unreachable.
    /// </summary>
    public HttpClient Probe { get; }

    /// <summary>The long-poll lane.</summary>
    public HttpClient Polls { get; }

    /// <summary>REST sessions of this node on the server (their transports): each may hold a long poll.</summary>
    public int Sessions => _transports.Count;

    /// <summary>Requests sent and not yet answered (waiting for a connection included).</summary>
    public int RequestsInFlight => Volatile.Read(ref _requests);

    /// <summary>Long polls sent and not yet answered (waiting for a connection included), drains' among them.</summary>
    public int PollsInFlight => Volatile.Read(ref _polls);

    /// <summary>Drains of recovered sessions still holding a connection.</summary>
    public int DrainsInFlight => Volatile.Read(ref _drains);

    /// <summary>REST sessions of the other cluster nodes on this server, as they last reported them: they hold polls too.</summary>
    public long OtherNodesSessions { get; set; }

    /// <summary>When the server last answered anything on these connections; null before its first answer.</summary>
    public DateTimeOffset? LastAnswered => Time(ref _lastAnsweredTicks);

    /// <summary>
    /// When the server was last found unreachable (a request or a long poll refused, reset or unanswered; a failed probe);
    /// null if never. A 458 for a session answered since then cannot be a timeout: Janus restarted.
    /// </summary>
    public DateTimeOffset? LastUnreachable => Time(ref _lastUnreachableTicks);

    /// <summary>A REST session's transport started on these connections: it is told when the server becomes unreachable.</summary>
    public void SessionStarted(IActorRef transport) => _transports.TryAdd(transport, 0);

    public void SessionStopped(IActorRef transport) => _transports.TryRemove(transport, out _);

    public void RequestSent() => Interlocked.Increment(ref _requests);

    public void RequestDone() => Interlocked.Decrement(ref _requests);

    public void PollSent() => Interlocked.Increment(ref _polls);

    public void PollDone() => Interlocked.Decrement(ref _polls);

    /// <summary>Janus answered something (a reply, an error, a long poll): it is reachable, whatever one session's request did.</summary>
    public void Answered()
    {
        Volatile.Write(ref _lastAnsweredTicks, DateTimeOffset.UtcNow.UtcTicks);
        if (Volatile.Read(ref _unreachable) == 1 && Interlocked.Exchange(ref _unreachable, 0) == 1)
            _log.Info("Janus server '{Server}' answers over REST again", Server);
    }

    /// <summary>
    /// The server could not be reached (a request or a long poll refused, reset or unanswered; its probe failed): see
    /// <see cref="LastUnreachable"/>. The first failure after an answer is said once, and every REST session of the server
    /// is told (<see cref="JanusTransportReports.ConnectionLost"/>, as a lost WebSocket tells its sessions): it claims again,
    /// so that it learns at once, when Janus answers again, whether Janus still has it.
    /// </summary>
    public void Unreachable(string reason)
    {
        Volatile.Write(ref _lastUnreachableTicks, DateTimeOffset.UtcNow.UtcTicks);
        if (Interlocked.Exchange(ref _unreachable, 1) == 1) return;
        _log.Warning("Janus server '{Server}' unreachable over REST ({Reason}): its {Count} REST sessions claim again", Server, reason, _transports.Count);
        var lost = new JanusTransportReports.ConnectionLost($"Janus server '{Server}' unreachable over REST: {reason}");
        foreach (var transport in _transports.Keys) transport.Tell(lost);
    }

    private static DateTimeOffset? Time(ref long ticks) => Volatile.Read(ref ticks) is var value and > 0 ? new DateTimeOffset(value, TimeSpan.Zero) : null;

    /// <summary>
    /// A session recovered after a crash: the dead process's long poll of it may still hold one of Janus's connections, for
    /// up to <see cref="JanusLongPollHold"/> (it cannot be seen from here, so it is assumed).
    /// </summary>
    public void AssumeDeadPoll()
    {
        lock (_deadPollsExpire) _deadPollsExpire.Enqueue(DateTime.UtcNow + JanusLongPollHold);
    }

    /// <summary>
    /// This node is about to recover <paramref name="sessions"/> persisted sessions (the start-up scan: every session, so at
    /// most that many REST ones here). They start at once but reach their drain one by one: until the dead process's polls
    /// have expired, each counts from the start, with a poll of its own and a dead one.
    /// </summary>
    public void Recovering(int sessions)
    {
        lock (_deadPollsExpire)
        {
            _recovering = sessions;
            _recoveringUntil = DateTime.UtcNow + JanusLongPollHold;
        }
    }

    /// <summary>
    /// A recovered session may drain what Janus queued for it only with a connection to spare: a drain's long poll that
    /// finds nothing queued holds its connection for 30 s, whatever the client does. Spare is what is left beside a poll for
    /// every REST session of the server (this node's, those it is recovering, the other nodes'), this node's request lane and
    /// the dead process's polls (assumed held until they expire). All or none: while this node recovers N sessions they drain
    /// only with N to spare — a few drained, arbitrarily, would only leave their drains' connections held when the next
    /// crash comes. Without, the session claims at once: its next events without delay are worth more than the gap's. True,
    /// and counted until <see cref="DrainDone"/>, when it may.
    /// </summary>
    public bool TryStartDrain()
    {
        lock (_deadPollsExpire)
        {
            var now = DateTime.UtcNow;
            while (_deadPollsExpire.TryPeek(out var expires) && expires < now) _deadPollsExpire.Dequeue();
            var recovering = now < _recoveringUntil ? _recovering : 0;
            var spare = Limit - (Math.Max(Sessions, recovering) + OtherNodesSessions + RequestConnections + Math.Max(_deadPollsExpire.Count, recovering));
            if (spare < Math.Max(1, recovering) || DrainsInFlight >= spare) return false;
            Interlocked.Increment(ref _drains);
            return true;
        }
    }

    public void DrainDone() => Interlocked.Decrement(ref _drains);

    public void Dispose()
    {
        Requests.Dispose();
        Probe.Dispose();
        Polls.Dispose();
        _requestHandler.Dispose();
        _probeHandler.Dispose();
        _pollHandler.Dispose();
    }
}
