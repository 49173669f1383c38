namespace Janus.Actors.Persistence;

/// <summary>Which SQL database holds the session journal.</summary>
public enum JanusJournalProvider
{
    /// <summary>One embedded SQLite file in WAL mode (single node default).</summary>
    Sqlite,
    /// <summary>PostgreSQL 15+ (clusters).</summary>
    PostgreSql,
}

/// <summary>
/// Where sessions are persisted. The connection string may hold a password: it is never logged. A process holds its
/// journal's lease (<see cref="JanusJournalLease"/>) for its whole life; with <see cref="Standby"/> a process that finds it
/// held waits as a hot standby instead of refusing to start.
/// </summary>
public sealed record JanusJournalOptions(JanusJournalProvider Provider, string ConnectionString, bool Standby = false)
{
    /// <summary>For configuration binding (<c>Journal:Provider</c>, <c>Journal:ConnectionString</c>, <c>Journal:Standby</c>): SQLite, no connection string yet.</summary>
    public JanusJournalOptions() : this(JanusJournalProvider.Sqlite, "") { }

    public override string ToString() => $"{Provider} journal";
}
