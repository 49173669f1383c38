namespace Janus.Actors.Persistence;

/// <summary>
/// Tells the session registry when it may read the journal: at once for a host that took the lease at start-up, once
/// the holder is gone for a hot standby. <see cref="Holder"/> names who holds the journal meanwhile.
/// </summary>
internal sealed class JournalLeaseGate
{
    private readonly TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when this process holds the lease.</summary>
    public Task Granted => _granted.Task;

    /// <summary>Who holds the journal while this process waits; null once granted.</summary>
    public string? Holder { get; private set; }

    internal void Wait(string holder) => Holder = holder;

    internal void Grant()
    {
        Holder = null;
        _granted.TrySetResult();
    }
}
