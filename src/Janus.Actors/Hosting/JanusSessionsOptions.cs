using Janus.Actors.Cluster;
using Janus.Actors.Persistence;

namespace Janus.Actors.Hosting;

/// <summary>
/// Everything <c>AddJanusSessions</c> needs, as one options object: bound from a configuration section or set in code,
/// and validated when the application starts (<c>ValidateOnStart</c>). The keys under the section are the property
/// paths, e.g.
/// <code>
/// "JanusSessions": {
///   "Janus":   { "WebSocketUrl": "ws://127.0.0.1:8188/", "ApiSecret": "…" },
///   "Journal": { "Provider": "Sqlite", "ConnectionString": "Data Source=data/janus-sessions.db" },
///   "Cluster": { "Hostname": "10.0.0.5", "Port": 4051, "Seeds": [ "10.0.0.5:4051", "10.0.0.6:4051" ] }
/// }
/// </code>
/// <c>Cluster</c> is optional: without it this process is a single node that recovers every persisted session at start-up.
/// </summary>
public sealed class JanusSessionsOptions
{
    /// <summary>How to reach Janus and keep sessions alive there; at least one URL.</summary>
    public JanusOptions Janus { get; set; } = new();

    /// <summary>Where sessions are persisted; the connection string is required.</summary>
    public JanusJournalOptions Journal { get; set; } = new();

    /// <summary>This node's place in a cluster of hosts sharing one PostgreSQL journal, or null for a single node.</summary>
    public JanusClusterOptions? Cluster { get; set; }

    /// <summary>
    /// Every setting that cannot work, each prefixed with its part (<c>Janus: WebSocketUrl must be …</c>); empty when all
    /// can. What <c>ValidateOnStart</c> reports.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Janus is null) problems.Add("Janus: must be set");
        else problems.AddRange(Janus.Problems().Select(problem => $"Janus: {problem}"));
        if (Journal is null)
            problems.Add("Journal: must be set");
        else
        {
            if (!Enum.IsDefined(Journal.Provider)) problems.Add("Journal: Provider must be Sqlite or PostgreSql");
            if (string.IsNullOrWhiteSpace(Journal.ConnectionString))
                problems.Add("Journal: ConnectionString must be set (SQLite: \"Data Source=path/to/janus-sessions.db\")");
            if (Journal.EndedSessionRetention < TimeSpan.Zero)
                problems.Add("Journal: EndedSessionRetention must be zero (forget ended sessions at once) or more");
        }
        if (Cluster is { } cluster)
        {
            if (Journal is { Provider: not JanusJournalProvider.PostgreSql })
                problems.Add("Cluster: a cluster needs a journal every node can reach: Journal.Provider must be PostgreSql");
            if (Journal is { Standby: true })
                problems.Add("Journal: Standby cannot be true on a cluster node: the other nodes take its sessions over");
            if (string.IsNullOrWhiteSpace(cluster.Hostname) || Uri.CheckHostName(cluster.Hostname) == UriHostNameType.Unknown)
                problems.Add("Cluster: Hostname must be the host name or IP address the other nodes reach this one at");
            problems.AddRange(cluster.Problems().Select(problem => $"Cluster: {problem}"));
        }
        return problems;
    }
}
