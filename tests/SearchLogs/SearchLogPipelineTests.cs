using Workbook.SearchLogs;
using Workbook.Dag;

namespace Workbook.Tests.SearchLogs;

/// <summary>The pipeline end to end on SQLite files (PostgreSQL: <see cref="SearchLogPipelinePostgresTests"/>).</summary>
public class SearchLogPipelineTests : IDisposable
{
    private readonly string _folder = PipelineFixture.NewFolder();
    private string Db => Path.Combine(_folder, "logs.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)] // CRLF line ends and a UTF-8 byte order mark give the same result
    public async Task Every_row_ends_clean_or_rejected_with_its_reason(bool crlf, bool bom)
    {
        PipelineFixture.Write(_folder, crlf, bom);
        var summary = await PipelineFixture.Run(_folder, Db);
        Assert.True(summary.Succeeded, summary.Render());
        Assert.All(summary.Checks, c => Assert.True(c.Passed, c.Name));
        await PipelineAssertions.MatchFixture(Db);
    }

    [Fact]
    public async Task Clean_values_are_standardized_and_linked()
    {
        PipelineFixture.Write(_folder);
        Assert.True((await PipelineFixture.Run(_folder, Db)).Succeeded);
        using var c = SearchLogDatabase.Open(Db);
        var wyrm = PipelineFixture.Dump(c, "clean_search_request", "line_number")[0];
        Assert.Equal("AAAAAAAAAAAAAAAAAAA1|wyrm|2020-03-10T13:24:31.000Z|1259928|86|2020-03-10 09:24:31.000 -0400|-04:00|1583846671000|wyrm|Search|0|2", wyrm);
        var penny = PipelineFixture.Dump(c, "clean_search_request", "line_number")[1];
        Assert.Contains("|penny lane the voyagers|Search|", penny);
        Assert.StartsWith("AAAAAAAAAAAAAAAAAAA2|penny lane, the voyagers,|", penny);
        var click = PipelineFixture.Dump(c, "clean_search_result_interaction", "line_number")[0];
        Assert.Equal("AAAAAAAAAAAAAAAAAAA1|2020-03-10T13:24:35.000Z|100|1|2020-03-10 09:24:35.000 -0400|-04:00|1583846675000|4|2", click);
        var zulu = PipelineFixture.Dump(c, "clean_search_result_interaction", "line_number")[^1];
        Assert.Contains("|2020-07-15 11:44:00Z|+00:00|", zulu);
        Assert.Contains("|18|9", zulu); // 07:44:00 -04:00 is 18 s after 07:43:42 -04:00
    }

    [Fact]
    public async Task A_rerun_on_the_same_input_gives_identical_tables()
    {
        PipelineFixture.Write(_folder);
        Assert.True((await PipelineFixture.Run(_folder, Db)).Succeeded);
        var first = PipelineAssertions.DumpAll(Db);
        var second = await PipelineFixture.Run(_folder, Db);
        Assert.True(second.Succeeded);
        Assert.Equal(first, PipelineAssertions.DumpAll(Db));
        using var c = SearchLogDatabase.Open(Db);
        Assert.Equal(2L, Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM pipeline_runs WHERE status = 'succeeded'")));
        Assert.Equal(2L * SearchLogPipeline.Graph().Tasks.Count, Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM task_runs")));
        Assert.Equal(0L, Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'stg_%'")));
    }

    public static TheoryData<string, string, string?> StructuralCases => new()
    {
        // file to damage, new content ("" = delete the file), field the error must name
        { "search_request.csv", "", null },
        { "search_request.csv", ",search_id,search_query,cuid,total\n0,A,q,1,1\n", "ts" },
        { "search_result_interaction.csv", "id;when;clip;rank\n0;A;2020;1\n", "search_id" },
        { "search_result_interaction.csv", ",search_id,ts,ts,cid,position\n", "ts" },
        { "search_request.csv", "\n", null },
    };

    [Theory]
    [MemberData(nameof(StructuralCases))]
    public async Task A_structural_problem_stops_the_run_and_keeps_the_published_tables(string file, string content, string? field)
    {
        PipelineFixture.Write(_folder);
        Assert.True((await PipelineFixture.Run(_folder, Db)).Succeeded);
        var before = PipelineAssertions.DumpAll(Db);

        var path = Path.Combine(_folder, file);
        if (content.Length == 0) File.Delete(path); else File.WriteAllText(path, content);
        var summary = await PipelineFixture.Run(_folder, Db);

        Assert.False(summary.Succeeded);
        Assert.True(summary.StructuralFailure, summary.Render());
        Assert.Contains(file, summary.Error);
        Assert.Contains("line", summary.Error);
        if (field != null) Assert.Contains($"field '{field}'", summary.Error);
        Assert.Contains(summary.Tasks, t => t.Task == SearchLogPipeline.Publish && t.Outcome == TaskOutcome.Skipped);
        Assert.Equal(before, PipelineAssertions.DumpAll(Db));
        using var c = SearchLogDatabase.Open(Db);
        Assert.Equal("failed", Scalar(c, "SELECT status FROM pipeline_runs ORDER BY started_at DESC LIMIT 1"));
    }

    [Fact]
    public async Task Generated_messy_logs_are_cleaned_exactly_as_injected()
    {
        var logs = MessyLogGenerator.Write(_folder, 20_000, seed: 7);
        var summary = await PipelineFixture.Run(_folder, Db);
        Assert.True(summary.Succeeded, summary.Render());
        PipelineAssertions.MatchInjected(logs, summary);
        // Several write batches: every stored value must still be the text of its own raw line.
        using var c = SearchLogDatabase.Open(Db);
        foreach (var (file, table, columns) in new[]
                 {
                     ("search_request.csv", CleanSchema.RequestTable, "search_id, ts_original, cuid, total"),
                     ("search_result_interaction.csv", CleanSchema.ClickTable, "search_id, ts_original, cid, position"),
                 })
        {
            var raw = File.ReadAllLines(Path.Combine(_folder, file));
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT line_number, {columns} FROM {table}";
            using var r = cmd.ExecuteReader();
            var n = 0;
            while (r.Read())
            {
                var line = raw[r.GetInt64(0) - 1];
                if (line.Contains('"')) continue;
                var f = line.Split(',');
                var expected = table == CleanSchema.RequestTable ? $"{f[1]}|{f[3]}|{f[4]}|{f[5]}" : $"{f[1]}|{f[2]}|{f[3]}|{f[4]}";
                Assert.Equal(expected, $"{r.GetString(1)}|{r.GetString(2)}|{r.GetInt64(3)}|{r.GetInt64(4)}");
                n++;
            }
            Assert.True(n > 10_000, $"{table}: {n} rows checked");
        }
    }

    [Fact]
    public async Task The_real_logs_pass_every_check()
    {
        var input = WorkbookPaths.Data("search-logs");
        var summary = await PipelineFixture.Run(input, Db);
        Assert.True(summary.Succeeded, summary.Render());
        Assert.All(summary.Checks, c => Assert.True(c.Passed, c.Name));
        // Rows in are counted independently here: the files have no quoted line breaks, so lines - header.
        Assert.Equal(File.ReadLines(Path.Combine(input, "search_request.csv")).Count() - 1, summary.Sources[0].RowsIn);
        Assert.Equal(File.ReadLines(Path.Combine(input, "search_result_interaction.csv")).Count() - 1, summary.Sources[1].RowsIn);
        Assert.All(summary.Sources, s => Assert.Equal(s.RowsIn, s.Clean + s.Rejected));
    }

    private static object? Scalar(System.Data.Common.DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
