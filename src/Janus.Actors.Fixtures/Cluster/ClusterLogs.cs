namespace Janus.Actors.Fixtures;

/// <summary>What the nodes' logs must never contain when every session has exactly one incarnation.</summary>
public static class ClusterLogs
{
    /// <summary>
    /// Two incarnations of a session writing to the journal: Akka.Persistence's persist failures and rejections, and
    /// PostgreSQL's unique violation (SQLSTATE 23505) on the journal's (persistence id, sequence number) key.
    /// </summary>
    public static readonly string[] JournalConflictMarkers =
    [
        "Failed to persist",
        "Rejected to persist",
        "duplicate key",
        "23505:", // Npgsql's "23505: duplicate key value ..."; a bare 23505 also turns up inside actor ids (#1123505794)
        "unique constraint",
    ];

    /// <summary>A message between nodes that the project's serializer did not carry, or that did not survive the trip.</summary>
    public static readonly string[] SerializationFailureMarkers =
    [
        "would go through Akka's default (Newtonsoft) serializer",
        "SerializationException",
        "Failed to serialize",
        "Failed to deserialize",
    ];
}
