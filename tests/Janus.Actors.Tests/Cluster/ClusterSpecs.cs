namespace Janus.Actors.Tests.Cluster;

/// <summary>
/// A cluster spec class: its own cluster of <see cref="Nodes"/> hosts (fresh Janus, fresh database on the shared
/// PostgreSQL server) for its one test. In the PostgreSQL collection, so cluster
/// specs never run beside each other on a small machine. With <c>JANUS_CLUSTER_SPECS_LOGS</c> set to a folder, every
/// node's log and Janus's are kept there (one subfolder per spec class and run) for diagnosing a failure.
/// </summary>
[Collection(PostgresCollection.Name)]
public abstract class ClusterSpecs(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private ClusterOfHosts? _cluster;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>How many host processes.</summary>
    protected virtual int Nodes => 3;

    /// <summary>How many Janus servers (several: <c>Janus:Servers</c> named <c>janus-0</c>…, probed every second).</summary>
    protected virtual int JanusServers => 1;

    protected ClusterOfHosts Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started");

    /// <summary>Host settings every node gets beyond the cluster's own (several servers: probed every second).</summary>
    protected virtual Dictionary<string, string?>? Settings =>
        JanusServers > 1 ? new Dictionary<string, string?> { ["Janus:ServerProbeInterval"] = "00:00:01" } : null;

    /// <summary>How the nodes find each other: seeds, or discovery.</summary>
    protected virtual NodeDiscovery Discovery => NodeDiscovery.Seeds;

    public async Task InitializeAsync() =>
        _cluster = await ClusterOfHosts.StartAsync(Nodes, ClusterOfHosts.FailoverJanus(), postgres.Server, Output.WriteLine,
            Settings, ClusterOfHosts.NoNewtonsoftForJanusMessages, JanusServers, Discovery);

    /// <summary>
    /// One incarnation per session and nothing lost between nodes: no node logged a journal write conflict or a message
    /// the project's serializer did not carry.
    /// </summary>
    protected void AssertCleanLogs()
    {
        var conflicts = Cluster.LogLinesContaining(Cluster.Nodes, ClusterLogs.JournalConflictMarkers);
        Assert.True(conflicts.Count == 0, "journal write conflicts:\n" + string.Join('\n', conflicts.Take(20)));
        var serialization = Cluster.LogLinesContaining(Cluster.Nodes, ClusterLogs.SerializationFailureMarkers);
        Assert.True(serialization.Count == 0, "messages between nodes that failed serialization:\n" + string.Join('\n', serialization.Take(20)));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is null)
            return;
        if (Environment.GetEnvironmentVariable("JANUS_CLUSTER_SPECS_LOGS") is { Length: > 0 } logs)
            _cluster.CopyLogsTo(Path.Combine(logs, $"{GetType().Name}-{DateTime.UtcNow:HHmmss}"));
        await _cluster.DisposeAsync();
    }
}
