namespace Janus.Actors.Chaos;

/// <summary>One request of the workload: what, on which session, when, how long, and whether the host acknowledged it.</summary>
public sealed record Operation(string Kind, string Key, DateTime At, TimeSpan Took, bool Acknowledged, string? Reason);

/// <summary>Every operation the workload attempted, in the order they ended.</summary>
public sealed class OperationLog
{
    private readonly List<Operation> _operations = [];

    public void Add(Operation operation)
    {
        lock (_operations) _operations.Add(operation);
    }

    public IReadOnlyList<Operation> All
    {
        get
        {
            lock (_operations) return [.. _operations];
        }
    }
}
