using System.Data.Common;
using Npgsql;

namespace Janus.Actors.Tests.Persistence;

/// <summary>The journal specs on a real PostgreSQL 15 server, one database per test.</summary>
[Collection(PostgresCollection.Name)]
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class PostgreSqlJournalSpecs(PostgresFixture postgres) : JournalSpecs
{
    protected override async Task<JanusJournalOptions> CreateJournalAsync() =>
        new(JanusJournalProvider.PostgreSql, await postgres.Server.CreateDatabaseAsync());

    protected override DbConnection Connect(JanusJournalOptions options) => new NpgsqlConnection(options.ConnectionString);

    [Fact]
    public async Task CheckAsync_succeeds_against_a_running_server()
    {
        var journal = await CreateJournalAsync();

        await JanusPersistence.CheckAsync(journal, CancellationToken.None);
    }
}
