using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Workbook.Dag;

namespace Workbook.Tests.Dag;

public class TaskRunnerTests
{
    /// <summary>Keeps every formatted log line (a real ILogger, not a mock: the runner's lines are the contract).</summary>
    private sealed class LineLogger : ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) => Lines.Enqueue(format(state, e));
    }

    private static DagTask T(string name, string[] deps, Func<CancellationToken, Task<long>> run) => new(name, deps, name, run);

    [Fact]
    public async Task Independent_tasks_run_at_the_same_time()
    {
        var a = new TaskCompletionSource();
        var b = new TaskCompletionSource();
        async Task<long> Meet(TaskCompletionSource mine, TaskCompletionSource other)
        {
            mine.SetResult();
            await other.Task.WaitAsync(TimeSpan.FromSeconds(20)); // sequential execution would time out here
            return 1;
        }
        var graph = new TaskGraph([T("a", [], _ => Meet(a, b)), T("b", [], _ => Meet(b, a))]);
        var results = await new TaskRunner(new LineLogger()).RunAsync(graph, "r1");
        Assert.All(results, r => Assert.Equal(TaskOutcome.Succeeded, r.Outcome));
    }

    [Fact]
    public async Task A_task_starts_after_its_dependencies_and_a_failure_skips_what_depends_on_it()
    {
        var order = new ConcurrentQueue<string>();
        Func<CancellationToken, Task<long>> Step(string name) => async _ => { await Task.Delay(20); order.Enqueue(name); return 1; };
        var graph = new TaskGraph(
        [
            T("load", [], Step("load")),
            T("left", ["load"], Step("left")),
            T("right", ["load"], _ => throw new InvalidOperationException("boom")),
            T("join", ["left", "right"], Step("join")),
            T("after_left", ["left"], Step("after_left")),
        ]);
        var log = new LineLogger();
        var results = (await new TaskRunner(log).RunAsync(graph, "r2")).ToDictionary(r => r.Task);

        Assert.Equal("load", order.First());
        Assert.Equal(TaskOutcome.Failed, results["right"].Outcome);
        Assert.Equal("boom", results["right"].Error);
        Assert.Equal(1, results["right"].Attempts); // not a transient error: no retry
        Assert.Equal(TaskOutcome.Skipped, results["join"].Outcome);
        Assert.Equal(TaskOutcome.Succeeded, results["after_left"].Outcome);
        Assert.DoesNotContain("join", order);
        Assert.Contains(log.Lines, l => l.StartsWith("run=r2 task=left event=end rows=1 "));
        Assert.Contains(log.Lines, l => l.StartsWith("run=r2 task=right event=error ") && l.Contains("boom"));
        Assert.Contains(log.Lines, l => l.StartsWith("run=r2 task=join event=skipped"));
        Assert.All(log.Lines, l => Assert.DoesNotContain('\n', l));
    }

    [Fact]
    public async Task A_locked_sqlite_database_is_retried_until_the_lock_goes()
    {
        var path = Path.Combine(Path.GetTempPath(), "lock_" + Guid.NewGuid().ToString("N") + ".db");
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ToString();
        try
        {
            using (var setup = new SqliteConnection(cs)) { setup.Open(); Exec(setup, "CREATE TABLE t (x INTEGER)"); }
            using var holder = new SqliteConnection(cs);
            holder.Open();
            Exec(holder, "PRAGMA busy_timeout = 0; BEGIN EXCLUSIVE");
            _ = Task.Delay(1500).ContinueWith(_ => Exec(holder, "COMMIT"));

            var graph = new TaskGraph([T("write", [], _ =>
            {
                using var c = new SqliteConnection(cs);
                c.Open();
                Exec(c, "PRAGMA busy_timeout = 0");
                return Task.FromResult((long)Exec(c, "INSERT INTO t VALUES (1)"));
            })]);
            var log = new LineLogger();
            var result = (await new TaskRunner(log, maxRetries: 6, firstRetryDelay: TimeSpan.FromMilliseconds(200), isTransient: Workbook.SearchLogs.TransientErrors.IsTransient).RunAsync(graph, "r3")).Single();

            Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
            Assert.True(result.Attempts >= 2, $"attempts {result.Attempts}");
            Assert.True(log.Lines.Any(l => l.StartsWith("run=r3 task=write event=retry next_attempt=2 ")), string.Join("\n", log.Lines));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Cycles_unknown_dependencies_and_duplicate_names_are_refused()
    {
        Func<CancellationToken, Task<long>> none = _ => Task.FromResult(0L);
        Assert.Contains("Cycle", Assert.Throws<ArgumentException>(() => new TaskGraph([T("a", ["b"], none), T("b", ["a"], none)])).Message);
        Assert.Contains("unknown", Assert.Throws<ArgumentException>(() => new TaskGraph([T("a", ["zzz"], none)])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new TaskGraph([T("a", [], none), T("a", [], none)])).Message);
    }

    [Fact]
    public void The_pipeline_graph_has_the_documented_shape()
    {
        var levels = Workbook.SearchLogs.SearchLogPipeline.Graph().Levels();
        Assert.Equal(["index_requests", "index_clicks"], levels[0]);
        Assert.Equal(["resolve"], levels[1]);
        Assert.Equal(["write_requests"], levels[2]);
        Assert.Equal(["write_clicks"], levels[3]);
        Assert.Equal("publish", levels[^1].Single());
    }

    private static int Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }
}
