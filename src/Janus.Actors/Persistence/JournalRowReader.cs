using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Journal.Types;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Janus.Actors.Persistence;

/// <summary>
/// Reads the journal rows a replay needs — every row of the chosen persistence ids, deleted ones included, ordered by id
/// and sequence number — with one plain SQL statement. The plugin's linq2db query does the same, but linq2db translates
/// and compiles a query shape the first time it runs: ~0.2 s at every start (measured: the same read takes 3–6 ms the
/// second time), all of it on the path of every session's recovery. It reads the plugin's own table layout on SQLite
/// and PostgreSQL, the journals this library configures.
/// </summary>
internal sealed class JournalRowReader
{
    private readonly Func<DbConnection> _connect;
    private readonly string _select;
    private readonly string _orderBy;
    private readonly string _persistenceId;
    private readonly bool _writerUuid;

    private JournalRowReader(Func<DbConnection> connect, JournalConfig config)
    {
        _connect = connect;
        var table = config.TableConfig.EventJournalTable;
        var columns = table.ColumnNames;
        _writerUuid = table.UseWriterUuidColumn;
        _persistenceId = Quote(columns.PersistenceId);
        var selected = new[] { columns.PersistenceId, columns.SequenceNumber, columns.Deleted, columns.Message, columns.Identifier, columns.Manifest, columns.Created }
            .Concat(_writerUuid ? [columns.WriterUuid] : [])
            .Select(Quote);
        var from = config.TableConfig.SchemaName is { } schema ? $"{Quote(schema)}.{Quote(table.Name)}" : Quote(table.Name);
        _select = $"SELECT {string.Join(", ", selected)} FROM {from}";
        _orderBy = $" ORDER BY {_persistenceId}, {Quote(columns.SequenceNumber)}";
    }

    /// <summary>A reader for the plugin's journal table; throws for a database or layout other than the library configures.</summary>
    public static JournalRowReader For(JournalConfig config)
    {
        if (config.DaoConfig.SqlCommonCompatibilityMode || config.TableConfig.UseEventManifestColumn)
            throw new ConfigurationException("Janus.Actors' session journal reads Akka.Persistence.Sql's default table layout only (table-mapping = default)");
        return new JournalRowReader(Connections(config), config);
    }

    /// <summary>Connections to the journal's database, SQLite or PostgreSQL; throws for any other provider.</summary>
    public static Func<DbConnection> Connections(JournalConfig config) => config.ProviderName switch
    {
        var p when p.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) => () => new SqliteConnection(config.ConnectionString),
        var p when p.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) => () => new NpgsqlConnection(config.ConnectionString),
        var p => throw new ConfigurationException($"Janus.Actors' session journal runs on SQLite or PostgreSQL, not on provider-name '{p}'"),
    };

    /// <summary>Every row whose persistence id starts with <paramref name="prefix"/> (compared exactly, case included).</summary>
    public Task<List<JournalRow>> ReadPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        ReadAsync($" WHERE substr({_persistenceId}, 1, {prefix.Length}) = @prefix", [("@prefix", prefix)], cancellationToken);

    /// <summary>Every row of <paramref name="persistenceIds"/>.</summary>
    public Task<List<JournalRow>> ReadIdsAsync(IReadOnlyList<string> persistenceIds, CancellationToken cancellationToken) =>
        ReadAsync($" WHERE {_persistenceId} IN ({string.Join(", ", persistenceIds.Select((_, i) => $"@id{i}"))})",
            persistenceIds.Select((id, i) => ($"@id{i}", id)).ToList(), cancellationToken);

    private async Task<List<JournalRow>> ReadAsync(string where, IReadOnlyList<(string Name, string Value)> parameters, CancellationToken cancellationToken)
    {
        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = _select + where + _orderBy;
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        var rows = new List<JournalRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new JournalRow
            {
                PersistenceId = reader.GetString(0),
                SequenceNumber = reader.GetInt64(1),
                Deleted = reader.GetBoolean(2),
                Message = (byte[])reader.GetValue(3),
                Identifier = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                Manifest = reader.IsDBNull(5) ? string.Empty : reader.GetString(5),
                Timestamp = reader.GetInt64(6),
                WriterUuid = _writerUuid && !reader.IsDBNull(7) ? reader.GetString(7) : null,
            });
        return rows;
    }

    /// <summary>Binds <paramref name="value"/> to <paramref name="name"/> (<c>@…</c>) in <paramref name="command"/>.</summary>
    internal static void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // Both SQLite and PostgreSQL take standard double-quoted identifiers.
    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
