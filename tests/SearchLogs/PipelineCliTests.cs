using Workbook.SearchLogs;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.SearchLogs;

/// <summary>The CLI verbs as a user runs them: exit codes, summary, and a run killed mid-way.</summary>
public class PipelineCliTests : IDisposable
{
    private readonly string _folder = PipelineFixture.NewFolder();
    private string Db => Path.Combine(_folder, "cli.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Dag_prints_every_task_with_its_dependencies()
    {
        var r = CliProcess.Run(["pipeline", "dag"]);
        Assert.Equal(0, r.ExitCode);
        foreach (var t in SearchLogPipeline.Graph().Tasks) Assert.Contains(t.Name, r.Stdout);
        Assert.Contains("resolve" + new string(' ', 15) + "<- index_requests, index_clicks", r.Stdout);
    }

    [Fact]
    public void Run_prints_the_summary_and_exits_non_zero_on_a_structural_failure()
    {
        var input = PipelineFixture.Write(Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName);
        var ok = CliProcess.Run(["pipeline", "run", "--data", input, "--db", Db]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("search_request: 13 rows in, 4 clean, 9 rejected", ok.Stdout);
        Assert.Contains("task=publish event=end", ok.Stdout);

        File.WriteAllText(Path.Combine(input, "search_request.csv"), ",search_id,search_query,cuid,total\n");
        var bad = CliProcess.Run(["pipeline", "run", "--data", input, "--db", Db, "--quiet"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("search_request.csv, line 1, field 'ts': missing column 'ts'", bad.Stdout);
    }

    [Fact]
    public async Task A_killed_run_leaves_the_published_tables_as_they_were()
    {
        var small = PipelineFixture.Write(Directory.CreateDirectory(Path.Combine(_folder, "small")).FullName);
        Assert.True((await PipelineFixture.Run(small, Db)).Succeeded);
        var before = PipelineAssertions.DumpAll(Db);

        var big = Directory.CreateDirectory(Path.Combine(_folder, "big")).FullName;
        MessyLogGenerator.Write(big, 300_000, seed: 3);
        using var p = CliProcess.Start(["pipeline", "run", "--data", big, "--db", Db]);
        string? line;
        var killedDuring = "";
        while ((line = await p.StandardOutput.ReadLineAsync()) != null)
            if (line.Contains("task=write_clicks event=start"))
            {
                p.Kill(entireProcessTree: true);
                killedDuring = line;
                break;
            }
        await p.WaitForExitAsync();
        Assert.NotEqual("", killedDuring);

        Assert.Equal(before, PipelineAssertions.DumpAll(Db)); // SQLite rolls the killed transaction back on open
        var rerun = await PipelineFixture.Run(small, Db);
        Assert.True(rerun.Succeeded, rerun.Render());
        Assert.Equal(before, PipelineAssertions.DumpAll(Db));
    }
}
