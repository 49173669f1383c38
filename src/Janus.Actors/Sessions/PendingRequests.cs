using Akka.Actor;
using Janus.Actors.Diagnostics;
using Janus.Actors.Protocol;

namespace Janus.Actors.Sessions;

/// <summary>
/// One request awaiting its answer from Janus, with what each outcome does: declared where the request is sent (as
/// janode's transaction manager does), so a request reads top to bottom in one place.
/// </summary>
/// <param name="Request">What was sent, credentials included.</param>
/// <param name="ReplyTo">Who waits for it: a caller, or the session itself for its own requests (claim, keep-alive, info).</param>
/// <param name="OnSuccess">Janus answered (a plugin message: with a <c>success</c> or its <c>event</c>).</param>
/// <param name="OnError">Janus answered with an error.</param>
/// <param name="OnUnanswered">No answer: none within the request timeout, or the transport could not deliver it; with why.</param>
/// <param name="Span">Its trace span (<see cref="JanusTracing"/>), ended by whichever outcome comes, or by a cancel.</param>
internal sealed record PendingRequest(
    JanusRequest Request,
    IActorRef ReplyTo,
    Action<JanusMessage> OnSuccess,
    Action<JanusError> OnError,
    Action<string> OnUnanswered,
    System.Diagnostics.Activity? Span = null)
{
    /// <summary>A plugin message: answered by a <c>success</c>, or by an <c>ack</c> followed by an <c>event</c>.</summary>
    public bool AwaitsPluginEvent => Request.Janus == JanusRequests.PluginMessage;

    /// <summary>A plugin message whose ack arrived; its event is still to come.</summary>
    public bool Acked { get; set; }
}

/// <summary>
/// The session's transaction table. Transactions are unique per actor incarnation (random prefix + counter),
/// so a late reply meant for an earlier incarnation can never complete a request of this one.
/// </summary>
internal sealed class PendingRequests
{
    private const int MaxAwaitedAcks = 1024;
    private readonly Dictionary<string, PendingRequest> _byTransaction = new();
    // Created on first use: most sessions never see an event overtake its ack, and ten thousand idle sessions add up.
    private HashSet<string>? _lateAcks;
    private Queue<string>? _lateAckOrder;
    // 64 random bits: the prefix also routes replies on a WebSocket shared by thousands of sessions (SessionRoutes).
    private readonly string _prefix = Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 8).ToLowerInvariant();
    private long _next;

    public string NextTransaction() => $"{_prefix}-{++_next}";

    public void Add(PendingRequest request)
    {
        _byTransaction.Add(request.Request.Transaction, request);
        JanusMetrics.RequestsInFlight.Add(1);
    }

    public bool TryGet(string? transaction, out PendingRequest request)
    {
        request = null!;
        return transaction is not null && _byTransaction.TryGetValue(transaction, out request!);
    }

    public bool Remove(string transaction)
    {
        if (!_byTransaction.Remove(transaction)) return false;
        JanusMetrics.RequestsInFlight.Add(-1);
        return true;
    }

    /// <summary>
    /// A plugin's event can overtake the <c>ack</c> of its message (seen on Janus 1.1.2 under load): once the event
    /// completed the request, its ack is still expected and must not count as an unknown transaction.
    /// </summary>
    public void ExpectLateAck(string transaction)
    {
        _lateAcks ??= [];
        _lateAckOrder ??= new Queue<string>();
        if (!_lateAcks.Add(transaction)) return;
        _lateAckOrder.Enqueue(transaction);
        if (_lateAckOrder.Count > MaxAwaitedAcks) _lateAcks.Remove(_lateAckOrder.Dequeue());
    }

    /// <summary>True (once) when this ack belongs to a plugin message already answered by its event.</summary>
    public bool IsLateAck(JanusMessage message) =>
        message is { Janus: JanusMessageKinds.Ack, Transaction: { } transaction } && _lateAcks is { } lateAcks && lateAcks.Remove(transaction);

    /// <summary>Removes and returns every pending request (the transport is gone; none will be answered).</summary>
    public IReadOnlyList<PendingRequest> Drain()
    {
        var all = _byTransaction.Values.ToList();
        JanusMetrics.RequestsInFlight.Add(-all.Count);
        _byTransaction.Clear();
        foreach (var pending in all) pending.Span.End("cancelled: not answered before the transport or the session went");
        return all;
    }
}
