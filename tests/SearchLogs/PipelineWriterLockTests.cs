using System.Data.Common;
using System.Diagnostics;
using Workbook.SearchLogs;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.SearchLogs;

/// <summary>
/// One writer per database: a second run on the same database refuses at once and touches nothing; the published
/// tables are one run's whole result and pipeline_runs says which; a killed run is marked abandoned by the next.
/// </summary>
public class PipelineWriterLockTests : IDisposable
{
    private readonly string _folder = PipelineFixture.NewFolder();
    private string Db => Path.Combine(_folder, "lock.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Logs(string name, long requests)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        if (requests == 0) PipelineFixture.Write(dir);
        else MessyLogGenerator.Write(dir, requests, seed: 5);
        return dir;
    }

    private static object? Scalar(DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    /// <summary>Every published row carries the one run id pipeline_runs lists as the last succeeded run.</summary>
    private static void AssertPublishedByOneRun(string db, string runId)
    {
        using var c = SearchLogDatabase.Open(db);
        foreach (var table in new[] { CleanSchema.RequestTable, CleanSchema.ClickTable, CleanSchema.RejectedTable })
            Assert.Equal([runId], PipelineFixture.Dump(c, $"(SELECT DISTINCT run_id AS id FROM {table}) t", "id"));
        Assert.Equal(runId, Scalar(c, "SELECT run_id FROM pipeline_runs WHERE status = 'succeeded' ORDER BY started_at DESC LIMIT 1"));
    }

    [Fact]
    public async Task Two_cli_runs_on_one_sqlite_file_the_second_refuses_with_exit_code_2_and_writes_nothing()
    {
        // Big enough that the first run is still writing when the second process has started and asked for the lock, even
        // under load (60,000 requests took under a second here, and a loaded machine once let the first finish first).
        var big = Logs("big", 400_000);
        var small = Logs("small", 0);
        using var first = CliProcess.Start(["pipeline", "run", "--input", big, "--db", Db]);
        var firstOut = new List<string>();
        string? line;
        while ((line = await first.StandardOutput.ReadLineAsync()) != null)
        {
            firstOut.Add(line);
            if (line.Contains("task=index_requests event=start")) break;
        }
        Assert.NotNull(line);

        var clock = Stopwatch.StartNew();
        var second = CliProcess.Run(["pipeline", "run", "--input", small, "--db", Db]);
        clock.Stop();
        firstOut.AddRange((await first.StandardOutput.ReadToEndAsync()).Split('\n'));
        await first.WaitForExitAsync();

        Assert.Equal(2, second.ExitCode);
        Assert.Contains("is being written by another pipeline run (run ", second.Stdout);
        Assert.Contains($"pid {first.Id} on {Environment.MachineName}", second.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the refusal took {clock.Elapsed}: it must not wait on SQLite's busy timeout");
        Assert.DoesNotContain("check ok", second.Stdout);
        Assert.True(first.ExitCode == 0, string.Join('\n', firstOut));

        var runId = firstOut.First(l => l.Contains("event=run_start")).Split("run=")[1].Split(' ')[0];
        AssertPublishedByOneRun(Db, runId);
        using var c = SearchLogDatabase.Open(Db);
        Assert.Equal(1L, Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM pipeline_runs"))); // the refused run left no history
    }

    [Fact]
    public async Task Sqlite_second_run_in_the_same_process_is_refused_and_the_first_publishes_its_whole_result()
    {
        var big = Logs("big", 20_000);
        var first = PipelineFixture.Run(big, Db); // holds the lock from its first synchronous step
        var second = await PipelineFixture.Run(Logs("small", 0), Db);
        var done = await first;
        Assert.True(second.Refused, second.Render());
        Assert.False(second.Succeeded);
        Assert.True(done.Succeeded, done.Render());
        AssertPublishedByOneRun(Db, done.RunId);

        var after = await PipelineFixture.Run(Logs("small2", 0), Db); // the lock went with the first run
        Assert.True(after.Succeeded, after.Render());
        AssertPublishedByOneRun(Db, after.RunId);
    }

    [Fact]
    public async Task Postgres_second_run_on_the_same_schema_is_refused_and_another_schema_is_not()
    {
        using var schema = new PostgresSchema();
        using var other = new PostgresSchema();
        var big = Logs("big", 20_000);
        var first = PipelineFixture.Run(big, schema.ConnectionString);
        var second = await PipelineFixture.Run(Logs("small", 0), schema.ConnectionString);
        var elsewhere = await PipelineFixture.Run(Logs("small2", 0), other.ConnectionString);
        var done = await first;
        Assert.True(second.Refused, second.Render());
        Assert.Contains("is being written by another pipeline run", second.Error);
        Assert.True(elsewhere.Succeeded, elsewhere.Render());
        Assert.True(done.Succeeded, done.Render());
        AssertPublishedByOneRun(schema.ConnectionString, done.RunId);

        var after = await PipelineFixture.Run(Logs("small3", 0), schema.ConnectionString); // unlocked on dispose, not left in a pooled session
        Assert.True(after.Succeeded, after.Render());
    }

    [Fact]
    public async Task A_run_killed_with_sigkill_is_marked_abandoned_by_the_next_run()
    {
        // Big enough that the run is still working when the kill lands: with 60,000 requests a fresh clone's CI once saw
        // the whole run finish between printing index_requests' start and the kill (status succeeded, not running).
        var big = Logs("big", 400_000);
        using var p = CliProcess.Start(["pipeline", "run", "--input", big, "--db", Db]);
        string? line;
        while ((line = await p.StandardOutput.ReadLineAsync()) != null)
            if (line.Contains("task=index_requests event=start")) break;
        Assert.NotNull(line);
        var killedRun = line.Split("run=")[1].Split(' ')[0];
        p.Kill(entireProcessTree: true); // SIGKILL: no finally block runs
        await p.WaitForExitAsync();

        using (var c = SearchLogDatabase.Open(Db))
            Assert.Equal("running", Scalar(c, $"SELECT status FROM pipeline_runs WHERE run_id = '{killedRun}'"));
        var next = await PipelineFixture.Run(Logs("small", 0), Db);
        Assert.True(next.Succeeded, next.Render());
        using (var c = SearchLogDatabase.Open(Db))
        {
            Assert.Equal("abandoned", Scalar(c, $"SELECT status FROM pipeline_runs WHERE run_id = '{killedRun}'"));
            Assert.Equal((long)p.Id, Convert.ToInt64(Scalar(c, $"SELECT pid FROM pipeline_runs WHERE run_id = '{killedRun}'")));
            Assert.Contains(next.RunId, (string)Scalar(c, $"SELECT error FROM pipeline_runs WHERE run_id = '{killedRun}'")!);
            Assert.Equal(0L, Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM pipeline_runs WHERE status = 'running'")));
        }
        AssertPublishedByOneRun(Db, next.RunId);
    }

    [Fact]
    public async Task A_postgres_run_killed_with_sigkill_releases_its_lock_and_is_marked_abandoned()
    {
        using var schema = new PostgresSchema();
        using var p = CliProcess.Start(["pipeline", "run", "--input", Logs("big", 60_000), "--db", schema.ConnectionString]);
        string? line;
        while ((line = await p.StandardOutput.ReadLineAsync()) != null)
            if (line.Contains("task=index_requests event=start")) break;
        Assert.NotNull(line);
        var killedRun = line.Split("run=")[1].Split(' ')[0];
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();

        // The server ends the dead session, and its advisory lock with it, as soon as the socket closes.
        PipelineSummary next;
        var clock = Stopwatch.StartNew();
        while ((next = await PipelineFixture.Run(Logs($"small{clock.ElapsedMilliseconds}", 0), schema.ConnectionString)).Refused)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the killed run's lock was never released");
            await Task.Delay(200);
        }
        Assert.True(next.Succeeded, next.Render());
        using var c = SearchLogDatabase.Open(schema.ConnectionString);
        Assert.Equal("abandoned", Scalar(c, $"SELECT status FROM pipeline_runs WHERE run_id = '{killedRun}'"));
        AssertPublishedByOneRun(schema.ConnectionString, next.RunId);
    }

    [Fact]
    public async Task History_from_before_pid_and_host_were_kept_gets_the_columns()
    {
        using (var c = SearchLogDatabase.Open(Db))
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE pipeline_runs (run_id TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, " +
                              "input_folder TEXT NOT NULL, backend TEXT NOT NULL, summary TEXT, error TEXT); " +
                              "INSERT INTO pipeline_runs VALUES ('old', '2020-01-01T00:00:00Z', NULL, 'running', '/x', 'Sqlite', NULL, NULL)";
            cmd.ExecuteNonQuery();
        }
        var run = await PipelineFixture.Run(Logs("small", 0), Db);
        Assert.True(run.Succeeded, run.Render());
        using var d = SearchLogDatabase.Open(Db);
        Assert.Equal("abandoned", Scalar(d, "SELECT status FROM pipeline_runs WHERE run_id = 'old'"));
        Assert.Equal((long)Environment.ProcessId, Convert.ToInt64(Scalar(d, $"SELECT pid FROM pipeline_runs WHERE run_id = '{run.RunId}'")));
    }
}
