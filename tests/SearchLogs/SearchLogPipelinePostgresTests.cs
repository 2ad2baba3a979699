using Npgsql;
using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

/// <summary>The same pipeline, tasks and checks against the real local PostgreSQL server, one schema per test.</summary>
public class SearchLogPipelinePostgresTests : IDisposable
{
    private readonly string _folder = PipelineFixture.NewFolder();
    private readonly PostgresSchema _schema = new();

    public void Dispose()
    {
        _schema.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Every_row_ends_clean_or_rejected_with_its_reason_and_reruns_are_identical()
    {
        PipelineFixture.Write(_folder, crlf: true, bom: true);
        var first = await PipelineFixture.Run(_folder, _schema.ConnectionString);
        Assert.True(first.Succeeded, first.Render());
        Assert.Equal(DatabaseBackend.Postgres, first.Backend);
        await PipelineAssertions.MatchFixture(_schema.ConnectionString);
        var tables = PipelineAssertions.DumpAll(_schema.ConnectionString);

        var second = await PipelineFixture.Run(_folder, _schema.ConnectionString);
        Assert.True(second.Succeeded, second.Render());
        Assert.Equal(tables, PipelineAssertions.DumpAll(_schema.ConnectionString));
    }

    [Fact]
    public async Task Postgres_and_sqlite_produce_the_same_tables()
    {
        var logs = MessyLogGenerator.Write(_folder, 5_000, seed: 11);
        var sqlite = Path.Combine(_folder, "same.db");
        var a = await PipelineFixture.Run(_folder, sqlite);
        var b = await PipelineFixture.Run(_folder, _schema.ConnectionString);
        Assert.True(a.Succeeded && b.Succeeded, a.Render() + b.Render());
        PipelineAssertions.MatchInjected(logs, b);
        var fromSqlite = PipelineAssertions.DumpAll(sqlite);
        var fromPostgres = PipelineAssertions.DumpAll(_schema.ConnectionString);
        for (var t = 0; t < fromSqlite.Count; t++) Assert.Equal(fromSqlite[t], fromPostgres[t]);
    }

    [Fact]
    public async Task A_structural_problem_leaves_the_published_postgres_tables_alone()
    {
        PipelineFixture.Write(_folder);
        Assert.True((await PipelineFixture.Run(_folder, _schema.ConnectionString)).Succeeded);
        var before = PipelineAssertions.DumpAll(_schema.ConnectionString);
        File.WriteAllText(Path.Combine(_folder, "search_result_interaction.csv"), ",search_id,when,cid,position\n0,A,x,1,1\n");
        var summary = await PipelineFixture.Run(_folder, _schema.ConnectionString);
        Assert.True(summary.StructuralFailure);
        Assert.Contains("field 'ts'", summary.Error);
        Assert.Equal(before, PipelineAssertions.DumpAll(_schema.ConnectionString));
        using var c = new NpgsqlConnection(_schema.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'stg%'", c);
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
    }
}
