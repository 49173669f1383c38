using Microsoft.Data.Sqlite;

namespace Janus.Actors.Chaos;

/// <summary>
/// <c>--self-test</c>: a soak that cannot pass breaks a promise on purpose and must be caught. With the host SIGKILLed,
/// every journal row of one session whose create the host acknowledged is deleted — the write is no longer durable —
/// and the host started again; the checker must report that session under <c>acknowledged-is-durable</c>. A checker
/// that finds nothing here would find nothing anywhere.
/// </summary>
public static class SelfTest
{
    public const string Rule = "acknowledged-is-durable";

    /// <summary>Loses an acknowledged session from the journal behind the host's back; returns its key.</summary>
    public static async Task<string> LoseAcknowledgedSessionAsync(ChaosWorld world, Ledger ledger)
    {
        var key = ledger.AcknowledgedAndNotDestroyed.FirstOrDefault()
                  ?? throw new InvalidOperationException("the workload had no acknowledged session to lose");
        var host = world.Hosts[0];
        await host.KillAsync();
        await using (var journal = new SqliteConnection($"Data Source={world.JournalPath};Pooling=False"))
        {
            await journal.OpenAsync();
            await using var delete = journal.CreateCommand();
            delete.CommandText = "DELETE FROM journal WHERE persistence_id = $id";
            delete.Parameters.AddWithValue("$id", "janus-session-" + key);
            if (await delete.ExecuteNonQueryAsync() == 0)
                throw new InvalidOperationException($"the journal had no rows for {key}");
        }
        await FaultInjector.StartAgainAsync(host);
        return key;
    }

    /// <summary>Whether the checker caught the loss.</summary>
    public static bool Caught(IEnumerable<Violation> violations, string key) =>
        violations.Any(v => v.Rule == Rule && v.Detail.StartsWith(key + ":", StringComparison.Ordinal));
}
