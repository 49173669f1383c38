namespace Janus.Actors.Persistence;

/// <summary>
/// Which persistence ids the journal is writing, or wrote while a read of whole ids was running: what such a read saw
/// of them may already be stale, so it must not be served from memory. Used on the journal actor's thread only.
/// </summary>
internal sealed class JournalWrites
{
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly List<HashSet<string>> _runningReads = [];

    /// <summary>A write of the id starts.</summary>
    public void Started(string persistenceId)
    {
        _inFlight[persistenceId] = _inFlight.GetValueOrDefault(persistenceId) + 1;
        foreach (var read in _runningReads) read.Add(persistenceId);
    }

    /// <summary>A write of the id ended (stored or failed).</summary>
    public void Ended(string persistenceId)
    {
        if (_inFlight.TryGetValue(persistenceId, out var count) && count > 1) _inFlight[persistenceId] = count - 1;
        else _inFlight.Remove(persistenceId);
    }

    public bool IsWriting(string persistenceId) => _inFlight.ContainsKey(persistenceId);

    /// <summary>A read starts: from now on it collects the ids it may have missed a write of (those being written, too).</summary>
    public HashSet<string> ReadStarted()
    {
        var stale = new HashSet<string>(_inFlight.Keys, StringComparer.Ordinal);
        _runningReads.Add(stale);
        return stale;
    }

    /// <summary>The read ended: the ids it may have seen stale.</summary>
    public void ReadEnded(HashSet<string> stale) => _runningReads.Remove(stale);
}
