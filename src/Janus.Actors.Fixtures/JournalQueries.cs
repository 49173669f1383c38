using System.Data.Common;
using System.Globalization;

namespace Janus.Actors.Fixtures;

/// <summary>
/// What specs and benchmarks read of a journal's database beside the library, over any ADO.NET connection (SQLite or
/// PostgreSQL): a scalar, and the journal rows of persistence ids. Opens the connection when it is closed.
/// </summary>
public static class JournalQueries
{
    /// <summary>The first column of the first row of <paramref name="sql"/> as a whole number; <c>@pattern</c> in it is bound to <paramref name="pattern"/>.</summary>
    public static async Task<long> ScalarAsync(this DbConnection connection, string sql, string? pattern = null)
    {
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (pattern is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@pattern";
            parameter.Value = pattern;
            command.Parameters.Add(parameter);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The rows of the journal table (Akka.Persistence.Sql's default layout) whose persistence id is LIKE <paramref name="persistenceIdPattern"/>.</summary>
    public static Task<long> CountJournalRowsAsync(this DbConnection connection, string persistenceIdPattern) =>
        connection.ScalarAsync("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE @pattern", persistenceIdPattern);
}
