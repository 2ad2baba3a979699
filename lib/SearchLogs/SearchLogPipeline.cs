using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workbook.SearchLogs.Dag;

namespace Workbook.SearchLogs;

public sealed record PipelineOptions
{
    /// <summary>Folder holding <c>search_request.csv</c> and <c>search_result_interaction.csv</c>.</summary>
    public required string InputFolder { get; init; }
    /// <summary>SQLite file path (default <c>data/search_logs.db</c>) or an Npgsql connection string.</summary>
    public string Database { get; init; } = SearchLogDatabase.DefaultPath;
    public ILoggerFactory? LoggerFactory { get; init; }
    public int MaxParallel { get; init; } = 4;
    public int MaxRetries { get; init; } = 3;
}

/// <summary>
/// The search-log cleaning pipeline: a DAG of named tasks that loads both raw logs into staging tables, cleans each
/// (duplicates), links clicks to their requests (orphans, clicks before their request), reads back the raw text of
/// rejected rows, verifies that every raw row is either clean or rejected, and swaps the staged tables in as
/// <c>clean_search_request</c>, <c>clean_search_result_interaction</c> and <c>rejected_rows</c> in one transaction.
/// A run that fails anywhere leaves the published tables as they were. History goes to <c>pipeline_runs</c> and
/// <c>task_runs</c>.
/// </summary>
public static class SearchLogPipeline
{
    public const string LoadRequests = "load_requests";
    public const string LoadClicks = "load_clicks";
    public const string CleanRequests = "clean_requests";
    public const string CleanClicks = "clean_clicks";
    public const string LinkAndValidate = "link_and_validate";
    public const string CollectRejected = "collect_rejected";
    public const string Verify = "verify";
    public const string Publish = "publish";

    /// <summary>The task graph (for <c>pipeline dag</c>); its tasks are not runnable outside <see cref="RunAsync"/>.</summary>
    public static TaskGraph Graph() => BuildGraph(null);

    public static async Task<PipelineSummary> RunAsync(PipelineOptions options, CancellationToken ct = default)
    {
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SearchLogPipeline");
        var run = new RunState(options, NewRunId());
        var started = DateTimeOffset.UtcNow;
        logger.LogInformation("run={RunId} task=- event=run_start input={Input} db={Db}", run.RunId, options.InputFolder, run.DatabaseLabel);

        string? error = null;
        IReadOnlyList<TaskResult> tasks = [];
        try
        {
            using (var c = run.Open()) Prepare(c, run, started);
            tasks = await new TaskRunner(logger, options.MaxRetries, maxParallel: options.MaxParallel).RunAsync(BuildGraph(run), run.RunId, ct);
            var failed = tasks.FirstOrDefault(t => t.Outcome == TaskOutcome.Failed);
            if (failed != null) error = $"task {failed.Task} failed: {failed.Error}";
        }
        catch (Exception e)
        {
            error = e.Message;
            logger.LogError("run={RunId} task=- event=run_error error={Error}", run.RunId, e.Message);
        }

        var succeeded = error == null;
        var sources = new List<SourceSummary>();
        try
        {
            using var c = run.Open();
            if (succeeded) sources = PublishedSummary(c, run);
            else sources = run.Loads.OrderBy(kv => kv.Key).Select(kv => new SourceSummary(kv.Key, kv.Value.RowsRead, 0, 0, new Dictionary<string, long>())).ToList();
            CleaningSteps.DropStaging(c);
        }
        catch (Exception e) when (!succeeded)
        {
            logger.LogWarning("run={RunId} task=- event=cleanup_error error={Error}", run.RunId, e.Message);
        }

        var summary = new PipelineSummary(run.RunId, run.Backend, run.DatabaseLabel, succeeded, error, sources, run.Checks.ToList(), tasks,
            DateTimeOffset.UtcNow - started);
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

    /// <summary>Per-run state the tasks share: counts from the loads, the checks, the SQL steps.</summary>
    private sealed class RunState(PipelineOptions options, string runId)
    {
        public PipelineOptions Options { get; } = options;
        public string RunId { get; } = runId;
        // Index names carry the whole run id: a published table keeps its index name after the swap.
        public CleaningSteps Steps { get; } = new(runId, runId.Replace('-', '_').ToLowerInvariant());
        public DatabaseBackend Backend { get; } = SearchLogDatabase.BackendOf(options.Database);
        public string DatabaseLabel { get; } = SearchLogDatabase.Describe(options.Database);
        public ConcurrentDictionary<string, LoadCounts> Loads { get; } = new();
        public ConcurrentQueue<InvariantCheck> Checks { get; } = new();
        public string PathOf(RawLogSource s) => Path.Combine(Options.InputFolder, s.FileName);

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
            new(LoadRequests, [], "stream search_request.csv into stg_search_request; unreadable rows -> stg_rejected",
                Do((r, ct) => Load(r, new RequestParser(), CleaningSteps.StageRequest, ct))),
            new(LoadClicks, [], "stream search_result_interaction.csv into stg_click; unreadable rows -> stg_rejected",
                Do((r, ct) => Load(r, new ClickParser(), CleaningSteps.StageClick, ct))),
            new(CleanRequests, [LoadRequests, LoadClicks], "one row per search_id: keep the copy its clicks point to, reject the others",
                Do((r, _) => WithConnection(r, c => r.Steps.CleanRequests(c)))),
            new(CleanClicks, [LoadClicks], "one row per (search_id, cid, position): keep the earliest, reject copies and repeats",
                Do((r, _) => WithConnection(r, c => r.Steps.CleanClicks(c)))),
            new(LinkAndValidate, [CleanRequests, CleanClicks], "join clicks to requests; reject orphans and clicks before their request",
                Do((r, _) => WithConnection(r, c => r.Steps.LinkClicks(c)))),
            new(CollectRejected, [LinkAndValidate], "read back the raw text of rows rejected in SQL; build the next rejected_rows",
                Do((r, ct) => WithConnection(r, c => CollectRejectedRows(r, c, ct)))),
            new(Verify, [CollectRejected], "check raw = clean + rejected per source, unique keys, every click after its request",
                Do((r, _) => WithConnection(r, c => VerifyStaged(r, c)))),
            new(Publish, [Verify], "swap the staged tables in as the clean tables and rejected_rows in one transaction",
                Do((r, _) => WithConnection(r, c =>
                {
                    if (c is SqliteConnection) SearchLogDatabase.Execute(c, "PRAGMA synchronous = FULL");
                    CleaningSteps.Swap(c);
                    return 3;
                }))),
        ]);
    }

    private static Task<long> WithConnection(RunState run, Func<DbConnection, long> body)
    {
        using var c = run.Open();
        return Task.FromResult(body(c));
    }

    private static async Task<long> Load<TRow>(RunState run, IRawRowParser<TRow> parser, string table, CancellationToken ct)
    {
        using var c = run.Open();
        var counts = await RawLogLoader.LoadAsync(c, run.PathOf(parser.Source), parser, table, CleaningSteps.StageRejected, run.RunId, ct);
        run.Loads[parser.Source.Name] = counts;
        return counts.RowsRead;
    }

    private static void Prepare(DbConnection c, RunState run, DateTimeOffset started)
    {
        var dialect = SqlDialect.Of(c);
        CleaningSteps.DropStaging(c);
        foreach (var schema in new[] { CleanSchema.PipelineRuns, CleanSchema.TaskRuns })
            SearchLogDatabase.Execute(c, dialect.CreateTable(schema, schema.Name).Replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"));
        SearchLogDatabase.Execute(c, dialect.CreateTable(CleanSchema.Rejected.As(CleaningSteps.StageRejected, "raw_line"), CleaningSteps.StageRejected));
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"INSERT INTO {CleanSchema.PipelineRunsTable} (run_id, started_at, status, input_folder, backend) VALUES (@r, @s, 'running', @i, @b)";
        AddParameter(cmd, "@r", run.RunId);
        AddParameter(cmd, "@s", started.UtcDateTime.ToString("O"));
        AddParameter(cmd, "@i", Path.GetFullPath(run.Options.InputFolder));
        AddParameter(cmd, "@b", run.Backend.ToString());
        cmd.ExecuteNonQuery();
    }

    private static long CollectRejectedRows(RunState run, DbConnection c, CancellationToken ct)
    {
        var dialect = SqlDialect.Of(c);
        using var tx = c.BeginTransaction();
        SearchLogDatabase.Execute(c, SqlDialect.DropTable(CleaningSteps.StageRawLines), tx);
        SearchLogDatabase.Execute(c, $"CREATE TABLE {CleaningSteps.StageRawLines} (source_table TEXT NOT NULL, line_number BIGINT NOT NULL, raw_line TEXT NOT NULL)", tx);
        foreach (var source in new[] { RawLogSource.Requests, RawLogSource.Clicks })
        {
            var wanted = CleaningSteps.LinesMissingRawText(c, source.Name);
            if (wanted.Count == 0) continue;
            var path = run.PathOf(source);
            var loaded = run.Loads[source.Name];
            var now = new FileInfo(path);
            if (now.Length != loaded.FileLength || now.LastWriteTimeUtc != loaded.FileWriteTimeUtc)
                throw new SearchLogFormatException(path, 0, null, "the file changed while the pipeline was running");
            using var writer = StagingWriter.Create(c, tx, CleaningSteps.StageRawLines, ["source_table", "line_number", "raw_line"]);
            using var reader = new RawLogReader(path, source);
            while (reader.Read() && wanted.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                if (!wanted.Remove(reader.LineNumber)) continue;
                writer.Text(source.Name); writer.Long(reader.LineNumber); writer.Text(reader.RawLine);
                writer.EndRow();
            }
            writer.Complete();
        }
        var n = run.Steps.BuildRejected(c, tx);
        if (!dialect.IsSqlite) SearchLogDatabase.Execute(c, $"ANALYZE {CleaningSteps.NextRejected}", tx);
        tx.Commit();
        return n;
    }

    /// <summary>The invariants, checked on the staged tables; any failure stops the run before publishing.</summary>
    private static long VerifyStaged(RunState run, DbConnection c)
    {
        var raw = run.Loads.ToDictionary(kv => kv.Key, kv => (kv.Value.RowsRead, kv.Value.LineNumberSum));
        var checks = SearchLogInvariants.Check(c, CleaningSteps.StageRequest, CleaningSteps.NextClick, CleaningSteps.NextRejected, raw);
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
                return new SourceSummary(x.Item1, run.Loads[x.Item1].RowsRead, CleaningSteps.Long(c, null, $"SELECT COUNT(*) FROM {x.Item2}"),
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
            AddParameter(cmd, "@r", run.RunId);
            AddParameter(cmd, "@t", t.Task);
            AddParameter(cmd, "@s", t.StartedAt.UtcDateTime.ToString("O"));
            AddParameter(cmd, "@f", t.FinishedAt.UtcDateTime.ToString("O"));
            AddParameter(cmd, "@st", t.Outcome.ToString().ToLowerInvariant());
            AddParameter(cmd, "@a", t.Attempts);
            AddParameter(cmd, "@n", t.Rows);
            AddParameter(cmd, "@e", t.Error);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = $"UPDATE {CleanSchema.PipelineRunsTable} SET finished_at = @f, status = @st, summary = @j, error = @e WHERE run_id = @r";
            AddParameter(cmd, "@f", DateTime.UtcNow.ToString("O"));
            AddParameter(cmd, "@st", summary.Succeeded ? "succeeded" : "failed");
            AddParameter(cmd, "@j", JsonSerializer.Serialize(new { summary.Sources, summary.Checks, elapsed_s = summary.Elapsed.TotalSeconds }));
            AddParameter(cmd, "@e", summary.Error);
            AddParameter(cmd, "@r", run.RunId);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    private static void AddParameter(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }
}
