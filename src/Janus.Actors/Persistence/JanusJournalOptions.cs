namespace Janus.Actors.Persistence;

/// <summary>Which SQL database holds the session journal.</summary>
public enum JanusJournalProvider
{
    /// <summary>One embedded SQLite file in WAL mode (single node default).</summary>
    Sqlite,
    /// <summary>PostgreSQL 15+ (clusters).</summary>
    PostgreSql,
}

/// <summary>Where sessions are persisted. The connection string may hold a password: it is never logged.</summary>
public sealed record JanusJournalOptions(JanusJournalProvider Provider, string ConnectionString)
{
    public override string ToString() => $"{Provider} journal";
}
