using Akka.Actor;
using Janus.Actors.Protocol;

namespace Janus.Actors.Transports;

/// <summary>
/// Who on a shared connection gets what Janus sends. A session is known by what it sends: the Janus session id of its
/// requests (events and session replies carry it) and the prefix of its transactions (replies that carry no session id:
/// <c>create</c>, <c>info</c>, errors). Transactions are <c>{prefix}-{counter}</c>, the prefix unique per session
/// incarnation (<see cref="Sessions.PendingRequests"/>), so a reply meant for an earlier incarnation finds nobody.
/// </summary>
internal sealed class SessionRoutes
{
    private readonly Dictionary<long, IActorRef> _bySessionId = new();
    private readonly Dictionary<string, IActorRef> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, (long? SessionId, string? Prefix)> _bySession = new();

    public int Count => _bySession.Count;

    public IEnumerable<IActorRef> Sessions => _bySession.Keys;

    /// <summary>Learns the session's session id and transaction prefix from a request it sends.</summary>
    public void Learn(IActorRef session, JanusRequest request)
    {
        var isNew = !_bySession.TryGetValue(session, out var known);
        var prefix = TransactionPrefix(request.Transaction);
        var sessionId = request.SessionId ?? known.SessionId;
        if (!isNew && known.SessionId == sessionId && known.Prefix == prefix) return;

        if (known.SessionId is { } oldId && oldId != sessionId) RemoveIfOwned(_bySessionId, oldId, session);
        if (known.Prefix is { } oldPrefix && oldPrefix != prefix) RemoveIfOwned(_byPrefix, oldPrefix, session);
        if (sessionId is { } id) _bySessionId[id] = session; // a claim moves a session to whoever sent it last
        if (prefix is not null) _byPrefix[prefix] = session;
        _bySession[session] = (sessionId, prefix);
    }

    /// <summary>The session a message from Janus belongs to: by session id, else by transaction prefix.</summary>
    public IActorRef? Find(JanusMessage message)
    {
        if (message.SessionId is { } id && _bySessionId.TryGetValue(id, out var bySession)) return bySession;
        return TransactionPrefix(message.Transaction) is { } prefix && _byPrefix.TryGetValue(prefix, out var byPrefix) ? byPrefix : null;
    }

    /// <summary>Forgets a session that stopped.</summary>
    public void Forget(IActorRef session)
    {
        if (!_bySession.Remove(session, out var known)) return;
        if (known.SessionId is { } id) RemoveIfOwned(_bySessionId, id, session);
        if (known.Prefix is { } prefix) RemoveIfOwned(_byPrefix, prefix, session);
    }

    private static void RemoveIfOwned<TKey>(Dictionary<TKey, IActorRef> index, TKey key, IActorRef session) where TKey : notnull
    {
        if (index.TryGetValue(key, out var owner) && owner.Equals(session)) index.Remove(key);
    }

    private static string? TransactionPrefix(string? transaction)
    {
        if (transaction is null) return null;
        var dash = transaction.LastIndexOf('-');
        return dash > 0 ? transaction[..dash] : null;
    }
}
