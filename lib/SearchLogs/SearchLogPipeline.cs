using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workbook.Dag;

namespace Workbook.SearchLogs;

public sealed record PipelineOptions
{
    /// <summary>Folder holding <c>search_request.csv</c> and <c>search_result_interaction.csv</c>.</summary>
    public required string InputFolder { get; init; }
    /// <summary>SQLite file path or an Npgsql connection string.</summary>
    public required string Database { get; init; }
    public ILoggerFactory? LoggerFactory { get; init; }
    public int MaxParallel { get; init; } = 4;
    public int MaxRetries { get; init; } = 3;
}

/// <summary>
/// The search-log cleaning pipeline: a DAG of named tasks. Two index passes read both raw logs at once, reducing each
/// readable row to a fixed-size entry (no strings); <c>resolve</c> decides every row's fate from those indexes alone;
/// two write passes then parse each row in full and write it once, straight into its staging table (clean or
/// rejected); <c>verify</c> proves every raw row is accounted for and the keys are unique; <c>publish</c> swaps the
/// staged tables in as <c>clean_search_request</c>, <c>clean_search_result_interaction</c> and <c>rejected_rows</c>
/// in one transaction. No SQL join, copy or delete touches the big tables. A run that fails anywhere leaves the
/// published tables as they were. History goes to <c>pipeline_runs</c> and <c>task_runs</c>.
/// </summary>
public static class SearchLogPipeline
{
    public const string IndexRequests = "index_requests";
    public const string IndexClicks = "index_clicks";
    public const string Resolve = "resolve";
    public const string WriteRequests = "write_requests";
    public const string WriteClicks = "write_clicks";
    public const string Verify = "verify";
    public const string Publish = "publish";

    /// <summary>The task graph (for <c>pipeline dag</c>); its tasks are not runnable outside <see cref="RunAsync"/>.</summary>
    public static TaskGraph Graph() => BuildGraph(null);

    /// <summary>Runs the pipeline; every outcome of the run itself, failures included, is in the summary.</summary>
    /// <exception cref="InvalidDataException">The SQLite file is not a SQLite database (nothing was done).</exception>
    /// <exception cref="DbException">The database cannot be reached (nothing was done).</exception>
    public static async Task<PipelineSummary> RunAsync(PipelineOptions options, CancellationToken ct = default)
    {
        using (SearchLogDatabase.Open(options.Database)) { } // an unusable database is the caller's problem, before any work
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SearchLogPipeline");
        var run = new RunState(options, NewRunId());
        var started = DateTimeOffset.UtcNow;
        using var writer = PipelineWriterLock.TryAcquire(options.Database);
        if (writer == null)
        {
            // Refused before touching anything: no staging table dropped, no history row written.
            var busy = $"{run.DatabaseLabel} is being written by another pipeline run{Holders(options.Database)}; nothing was done. " +
                        "Wait for it to finish, then run again.";
            logger.LogError("run={RunId} task=- event=run_refused error={Error}", run.RunId, busy);
            return new PipelineSummary(run.RunId, run.Backend, run.DatabaseLabel, false, busy, [], [], [], DateTimeOffset.UtcNow - started) { Refused = true };
        }
        logger.LogInformation("run={RunId} task=- event=run_start input={Input} db={Db}", run.RunId, options.InputFolder, run.DatabaseLabel);

        string? error = null;
        IReadOnlyList<TaskResult> tasks = [];
        try
        {
            using (var c = run.Open()) Prepare(c, run, started);
            tasks = await new TaskRunner(logger, options.MaxRetries, maxParallel: options.MaxParallel, isTransient: TransientErrors.IsTransient).RunAsync(BuildGraph(run), run.RunId, ct);
            var failed = tasks.FirstOrDefault(t => t.Outcome == TaskOutcome.Failed);
            if (failed != null) error = $"task {failed.Task} failed: {failed.Error}";
        }
        catch (Exception e)
        {
            error = e.Message;
            logger.LogError("run={RunId} task=- event=run_error error={Error}", run.RunId, e.Message);
        }
        run.ReleaseIndexes();

        var succeeded = error == null;
        var sources = new List<SourceSummary>();
        try
        {
            using var c = run.Open();
            if (succeeded) sources = PublishedSummary(c, run);
            else sources = run.Raw.OrderBy(kv => kv.Key).Select(kv => new SourceSummary(kv.Key, kv.Value.Rows, 0, 0, new Dictionary<string, long>())).ToList();
            CleaningSteps.DropStaging(c);
        }
        catch (Exception e) when (!succeeded)
        {
            logger.LogWarning("run={RunId} task=- event=cleanup_error error={Error}", run.RunId, e.Message);
        }

        var summary = new PipelineSummary(run.RunId, run.Backend, run.DatabaseLabel, succeeded, error, sources, run.Checks.ToList(), tasks,
            DateTimeOffset.UtcNow - started) { Memory = run.Memory };
        try
        {
            using var c = run.Open();
            WriteHistory(c, run, summary, started);
        }
        catch (Exception e)
        {
            logger.LogWarning("run={RunId} task=- event=history_error error={Error}", run.RunId, e.Message);
        }
        logger.Log(succeeded ? LogLevel.Information : LogLevel.Error,
            "run={RunId} task=- event=run_end status={Status} elapsed_ms={Elapsed}", run.RunId, succeeded ? "succeeded" : "failed",
            (long)summary.Elapsed.TotalMilliseconds);
        return summary;
    }

    private static string NewRunId() => $"{DateTime.UtcNow:yyyyMMddTHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>Per-run state the tasks share: the indexes, the decisions, the counts, the checks.</summary>
    private sealed class RunState(PipelineOptions options, string runId)
    {
        public PipelineOptions Options { get; } = options;
        public string RunId { get; } = runId;
        // Index names carry the whole run id: a published table keeps its index name after the swap.
        public string Suffix { get; } = runId.Replace('-', '_').ToLowerInvariant();
        public DatabaseBackend Backend { get; } = SearchLogDatabase.BackendOf(options.Database);
        public string DatabaseLabel { get; } = SearchLogDatabase.Describe(options.Database);
        public LogIndex<RequestEntry>? Requests;
        public LogIndex<ClickEntry>? Clicks;
        public Resolution? Resolution;
        /// <summary>Per source_table: records in the raw file and the sum of their line numbers (index pass).</summary>
        public ConcurrentDictionary<string, (long Rows, long LineSum)> Raw { get; } = new();
        public ConcurrentDictionary<string, WriteCounts> Written { get; } = new();
        /// <summary>Per source_table: the file's length and write time in the index pass (the write pass must see the same).</summary>
        public ConcurrentDictionary<string, (long Length, DateTime WriteTimeUtc)> Files { get; } = new();
        public ConcurrentQueue<InvariantCheck> Checks { get; } = new();
        public IndexMemory? Memory;
        public string PathOf(RawLogSource s) => Path.Combine(Options.InputFolder, s.FileName);

        public void ReleaseIndexes()
        {
            (Requests, Clicks, Resolution) = (null, null, null);
        }

        /// <summary>A connection for one task. SQLite staging work skips fsync (a crash only loses staging tables,
        /// which the next run rebuilds); the publish step turns it back on.</summary>
        public DbConnection Open()
        {
            var c = SearchLogDatabase.Open(Options.Database);
            if (c is SqliteConnection)
                SearchLogDatabase.Execute(c, "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA threads = 2;");
            return c;
        }
    }

    private static TaskGraph BuildGraph(RunState? run)
    {
        Func<CancellationToken, Task<long>> Do(Func<RunState, CancellationToken, Task<long>> body) =>
            ct => body(run ?? throw new InvalidOperationException("This graph only describes the pipeline; run it with RunAsync."), ct);

        return new TaskGraph(
        [
            new(IndexRequests, [], "stream search_request.csv: per readable row its search_id key, ts and line (24 bytes), sorted",
                Do((r, ct) => Task.Run(() => Indexed(r, r.Requests = LogIndex.Requests(r.PathOf(RawLogSource.Requests), ct), CleanSchema.RequestSource), ct))),
            new(IndexClicks, [], "stream search_result_interaction.csv: per readable row its key, cid, position, ts and line (36 bytes), sorted",
                Do((r, ct) => Task.Run(() => Indexed(r, r.Clicks = LogIndex.Clicks(r.PathOf(RawLogSource.Clicks), ct), CleanSchema.ClickSource), ct))),
            new(Resolve, [IndexRequests, IndexClicks],
                "decide every row from the indexes: which request copy and which click is kept, and why each other row is rejected",
                Do((r, ct) => Task.Run(() =>
                {
                    var rows = ResolveRows(r, ct);
                    // Out here, no frame still points at the sorted indexes: give their memory back to the system
                    // before the write pass and SQLite allocate.
                    ReturnMemory();
                    return rows;
                }, ct))),
            new(WriteRequests, [Resolve], "parse search_request.csv in full; write each row once into stg_search_request or stg_rejected_rows",
                Do((r, ct) => Write(r, new RequestDecider(r.Resolution!), CleaningSteps.StageRequest, createRejected: true, ct))),
            new(WriteClicks, [WriteRequests], "parse search_result_interaction.csv in full; write each row once into stg_clean_click or stg_rejected_rows",
                Do(async (r, ct) =>
                {
                    var rows = await Write(r, new ClickDecider(r.Resolution!), CleaningSteps.StageClick, createRejected: false, ct);
                    r.Resolution = null; // the decisions are spent: their memory goes to SQLite's index builds in verify
                    ReturnMemory();
                    return rows;
                })),
            new(Verify, [WriteClicks], "build the unique keys; check raw = clean + rejected per source (rows and line numbers), clicks after their request",
                Do((r, _) => WithConnection(r, c =>
                {
                    // Index builds sort cheapest in small runs merged afterwards, on this thread: at 10M rows a 4-8 MB
                    // sorter took ~45% less CPU than 64 MB with two sorter threads, and a few MB of memory.
                    if (c is SqliteConnection) SearchLogDatabase.Execute(c, "PRAGMA cache_size = -8192; PRAGMA threads = 0;");
                    return VerifyStaged(r, c);
                }))),
            new(Publish, [Verify], "swap the staged tables in as the clean tables and rejected_rows in one transaction",
                Do((r, _) => WithConnection(r, c =>
                {
                    if (c is SqliteConnection) SearchLogDatabase.Execute(c, "PRAGMA synchronous = FULL");
                    CleaningSteps.Swap(c, r.RunId);
                    return 3;
                }))),
        ]);
    }

    private static Task<long> WithConnection(RunState run, Func<DbConnection, long> body)
    {
        using var c = run.Open();
        return Task.FromResult(body(c));
    }

    /// <summary>Records what the index pass counted in the raw file (for verify) and the file's identity (for the write pass).</summary>
    private static long Indexed<T>(RunState run, LogIndex<T> index, string source) where T : struct, IComparable<T>
    {
        run.Raw[source] = (index.RowsRead, index.LineSum);
        run.Files[source] = (index.FileLength, index.FileWriteTimeUtc);
        return index.RowsRead;
    }

    private static long ResolveRows(RunState run, CancellationToken ct)
    {
        var (requests, clicks) = (run.Requests!, run.Clicks!);
        run.Resolution = Resolution.Resolve(requests, clicks, ct);
        run.Memory = new IndexMemory(requests.Count, requests.Bytes, clicks.Count, clicks.Bytes, run.Resolution.Bytes);
        // The sorted indexes are not needed any more; the decisions (a sixth of their size) are.
        run.Requests = null;
        run.Clicks = null;
        return run.Resolution.KeptRequests + run.Resolution.KeptClicks;
    }

    /// <summary>A full, compacting collection that also decommits the freed memory, so the peak resident size is the
    /// larger of the index phase and the SQLite phase rather than their sum.</summary>
    private static void ReturnMemory() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    private static async Task<long> Write<TRow>(RunState run, IRowDecider<TRow> decider, string table, bool createRejected, CancellationToken ct)
    {
        using var c = run.Open();
        var path = run.PathOf(decider.Source);
        var indexed = run.Files[decider.Source.Name];
        var counts = await CleanTableWriter.WriteAsync(c, path, decider, table, CleaningSteps.StageRejected, createRejected, run.RunId, indexed, ct);
        run.Written[decider.Source.Name] = counts;
        return counts.RowsRead;
    }

    /// <summary>Called with the writer lock held: drops what a dead run left, marks its history row abandoned, and records this run.</summary>
    private static void Prepare(DbConnection c, RunState run, DateTimeOffset started)
    {
        var dialect = SqlDialect.Of(c);
        CleaningSteps.DropStaging(c);
        foreach (var schema in new[] { CleanSchema.PipelineRuns, CleanSchema.TaskRuns })
        {
            SearchLogDatabase.Execute(c, dialect.CreateTable(schema, schema.Name).Replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
            // History written before a column existed gets the column (NULL for old rows).
            var existing = SearchLogDatabase.ColumnsOf(c, schema.Name);
            foreach (var column in schema.Columns.Where(col => !existing.Contains(col.Name)))
                SearchLogDatabase.Execute(c, $"ALTER TABLE {schema.Name} ADD COLUMN {column.Name} {dialect.TypeName(column.Type)}");
        }
        using (var abandon = c.CreateCommand())
        {
            // Only the lock holder runs, and this run holds it: a row still 'running' belongs to a process that died.
            abandon.CommandText = $"UPDATE {CleanSchema.PipelineRunsTable} SET status = 'abandoned', finished_at = @f, " +
                                  "error = 'its process ended without finishing (killed or crashed); found by run ' || @r WHERE status = 'running'";
            SearchLogDatabase.AddParameter(abandon, "@f", started.UtcDateTime.ToString("O"));
            SearchLogDatabase.AddParameter(abandon, "@r", run.RunId);
            abandon.ExecuteNonQuery();
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"INSERT INTO {CleanSchema.PipelineRunsTable} (run_id, started_at, status, input_folder, backend, pid, host) VALUES (@r, @s, 'running', @i, @b, @p, @h)";
        SearchLogDatabase.AddParameter(cmd, "@r", run.RunId);
        SearchLogDatabase.AddParameter(cmd, "@s", started.UtcDateTime.ToString("O"));
        SearchLogDatabase.AddParameter(cmd, "@i", Path.GetFullPath(run.Options.InputFolder));
        SearchLogDatabase.AddParameter(cmd, "@b", run.Backend.ToString());
        SearchLogDatabase.AddParameter(cmd, "@p", (long)Environment.ProcessId);
        SearchLogDatabase.AddParameter(cmd, "@h", Environment.MachineName);
        cmd.ExecuteNonQuery();
    }

    /// <summary>" (run X, pid N on host H, started T)" for the run holding the lock, as far as its history row says.</summary>
    private static string Holders(string database)
    {
        try
        {
            using var c = SearchLogDatabase.Open(database);
            if (!SearchLogDatabase.TableExists(c, CleanSchema.PipelineRunsTable)) return "";
            var hasPid = SearchLogDatabase.ColumnsOf(c, CleanSchema.PipelineRunsTable).Contains("pid");
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT run_id, started_at{(hasPid ? ", pid, host" : "")} FROM {CleanSchema.PipelineRunsTable} WHERE status = 'running' ORDER BY started_at DESC";
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return "";
            var who = hasPid && !r.IsDBNull(2) ? $", pid {r.GetValue(2)} on {r.GetValue(3)}" : "";
            return $" (run {r.GetString(0)}{who}, started {r.GetString(1)})";
        }
        catch (DbException) { return ""; } // the refusal stands; who holds the lock is a courtesy
    }

    /// <summary>The invariants, checked on the staged tables; any failure stops the run before publishing.</summary>
    private static long VerifyStaged(RunState run, DbConnection c)
    {
        var checks = SearchLogInvariants.CheckStaged(c, run.Suffix, run.Raw, run.Written);
        foreach (var check in checks) run.Checks.Enqueue(check);
        var failed = checks.Where(x => !x.Passed).ToList();
        if (failed.Count > 0)
            throw new InvalidOperationException("invariants failed, nothing published: " + string.Join("; ", failed.Select(f => $"{f.Name} ({f.Detail})")));
        return checks.Count;
    }

    private static List<SourceSummary> PublishedSummary(DbConnection c, RunState run)
    {
        var byReason = new Dictionary<string, Dictionary<string, long>>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"SELECT source_table, reason, COUNT(*) FROM {CleanSchema.RejectedTable} GROUP BY source_table, reason";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (!byReason.TryGetValue(r.GetString(0), out var d)) byReason[r.GetString(0)] = d = new Dictionary<string, long>();
                d[r.GetString(1)] = r.GetInt64(2);
            }
        }
        return new[] { (CleanSchema.RequestSource, CleanSchema.RequestTable), (CleanSchema.ClickSource, CleanSchema.ClickTable) }
            .Select(x =>
            {
                var reasons = byReason.GetValueOrDefault(x.Item1) ?? new Dictionary<string, long>();
                return new SourceSummary(x.Item1, run.Raw[x.Item1].Rows, CleaningSteps.Long(c, null, $"SELECT COUNT(*) FROM {x.Item2}"),
                    reasons.Values.Sum(), reasons);
            }).ToList();
    }

    private static void WriteHistory(DbConnection c, RunState run, PipelineSummary summary, DateTimeOffset started)
    {
        using var tx = c.BeginTransaction();
        foreach (var t in summary.Tasks)
        {
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO {CleanSchema.TaskRunsTable} (run_id, task, started_at, finished_at, status, attempts, rows, error) VALUES (@r, @t, @s, @f, @st, @a, @n, @e)";
            SearchLogDatabase.AddParameter(cmd, "@r", run.RunId);
            SearchLogDatabase.AddParameter(cmd, "@t", t.Task);
            SearchLogDatabase.AddParameter(cmd, "@s", t.StartedAt.UtcDateTime.ToString("O"));
            SearchLogDatabase.AddParameter(cmd, "@f", t.FinishedAt.UtcDateTime.ToString("O"));
            SearchLogDatabase.AddParameter(cmd, "@st", t.Outcome.ToString().ToLowerInvariant());
            SearchLogDatabase.AddParameter(cmd, "@a", t.Attempts);
            SearchLogDatabase.AddParameter(cmd, "@n", t.Rows);
            SearchLogDatabase.AddParameter(cmd, "@e", t.Error);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"UPDATE {CleanSchema.PipelineRunsTable} SET finished_at = @f, status = @st, summary = @j, error = @e WHERE run_id = @r";
            SearchLogDatabase.AddParameter(cmd, "@f", DateTime.UtcNow.ToString("O"));
            SearchLogDatabase.AddParameter(cmd, "@st", summary.Succeeded ? "succeeded" : "failed");
            SearchLogDatabase.AddParameter(cmd, "@j", JsonSerializer.Serialize(new { summary.Sources, summary.Checks, elapsed_s = summary.Elapsed.TotalSeconds }));
            SearchLogDatabase.AddParameter(cmd, "@e", summary.Error);
            SearchLogDatabase.AddParameter(cmd, "@r", run.RunId);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

}
