using Microsoft.Data.Sqlite;

namespace Janus.Actors.Chaos;

/// <summary>
/// <c>--self-test</c>: a soak that cannot pass breaks two promises on purpose and must catch both. With the host
/// SIGKILLed, every journal row of one session whose create the host acknowledged is deleted — the write is no longer
/// durable — and the host started again: the checker must report that session under <c>acknowledged-is-durable</c>.
/// Then a second host is started on a restored copy of the journal beside the running one (a backup brought up on a
/// second machine): it claims every session while the first goes on using them, and the wire witness must report it
/// under <c>one-claimer</c>. A checker that finds nothing here would find nothing anywhere.
/// </summary>
public static class SelfTest
{
    public const string LostRule = "acknowledged-is-durable";
    public const string TwinRule = "one-claimer";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

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

    /// <summary>
    /// Runs a twin of the host on a consistent copy of its journal until the first host used a session the twin claimed
    /// (or <see cref="Patience"/> ran out), then kills it.
    /// </summary>
    public static async Task RunTwinOnRestoredJournalAsync(ChaosWorld world, WireWitness wire)
    {
        var copy = world.JournalPath + ".restored";
        await using (var journal = new SqliteConnection($"Data Source={world.JournalPath};Pooling=False"))
        await using (var restored = new SqliteConnection($"Data Source={copy};Pooling=False"))
        {
            await journal.OpenAsync();
            journal.BackupDatabase(restored);
        }
        var settings = new Dictionary<string, string?>(world.HostSettings) { ["Journal:ConnectionString"] = $"Data Source={copy}" };
        await using var twin = new HostProcess(settings);
        wire.Hosts = [.. world.Hosts, twin];
        try
        {
            await twin.StartAsync();
            for (var deadline = DateTime.UtcNow + Patience; !wire.HasIntrusions && DateTime.UtcNow < deadline;)
                await Task.Delay(250);
            await twin.KillAsync();
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>Whether the checker caught both: the session lost from the journal, and the twin.</summary>
    public static bool Caught(IReadOnlyList<Violation> violations, string key) =>
        violations.Any(v => v.Rule == LostRule && v.Detail.StartsWith(key + ":", StringComparison.Ordinal))
        && violations.Any(v => v.Rule == TwinRule);
}
