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

    /// <summary>
    /// How long a session that ended (destroyed or lost) stays listed and answered for (<c>Journal:EndedSessionRetention</c>;
    /// default 1 hour). Then it is forgotten: gone from the lists, the counts and the metrics' gauges, its events deleted from
    /// the journal, its key free for a new session. <see cref="TimeSpan.Zero"/> forgets a session as soon as its end is
    /// journaled. Recovery after a crash reads live sessions and the ended ones still within this time.
    /// </summary>
    public TimeSpan EndedSessionRetention { get; init; } = DefaultEndedSessionRetention;

    /// <summary>The default <see cref="EndedSessionRetention"/>: one hour.</summary>
    public static readonly TimeSpan DefaultEndedSessionRetention = TimeSpan.FromHours(1);

    public override string ToString() => $"{Provider} journal";
}
