using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Workbook.AutoML;

/// <summary>
/// The SQLite experiment store (default <c>data/experiments.db</c>): experiments and their trials, written as they
/// happen, each trial on start and on finish in its own transaction, so a killed process leaves at most one trial
/// marked <c>running</c>. The file is stamped with <c>PRAGMA application_id</c> and <c>user_version</c>; anything
/// else (another application's database, a newer schema, a file that is not SQLite) is refused with a clear error.
/// </summary>
public sealed class ExperimentStore : IDisposable
{
    /// <summary>"WBAM" (Workbook AutoML) as a big-endian int.</summary>
    public const int ApplicationId = 0x5742414D;
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _db;
    public string Path { get; }

    private ExperimentStore(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>A new, empty store at <paramref name="path"/>, replacing any earlier one (for reports that rerun from scratch).</summary>
    public static ExperimentStore OpenFresh(string path)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        return Open(path);
    }

    public static ExperimentStore Open(string path) => Open(path, TimeSpan.FromMinutes(1));

    /// <param name="busyTimeout">How long a writer waits for another process's write lock (tests shorten it).</param>
    internal static ExperimentStore Open(string path, TimeSpan busyTimeout)
    {
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            var store = new ExperimentStore(path, db);
            store.Initialise(busyTimeout);
            return store;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED: healthy, just held
        {
            db.Dispose();
            throw new ExperimentStoreException($"{path} is busy: another process held its write lock longer than this process waits ({e.Message}). Try again when it is done.", e);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new ExperimentStoreException($"{path} is not a readable experiment store (SQLite error {e.SqliteErrorCode}: {e.Message}). " +
                                               "Move it aside or use another store.", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void Initialise(TimeSpan busyTimeout)
    {
        // Several runs share a store (different experiments, or `automl list` beside a run): a writer waits its turn.
        Execute($"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}");
        // Two processes may open the same new, empty file at once. The check and the creation are one write
        // transaction, so the second waits for the first and then finds a store, instead of creating the tables
        // again and calling a healthy store unreadable. Reading the header is also what surfaces "file is not a
        // database" for a corrupt file.
        using (var tx = _db.BeginTransaction(deferred: false))
        {
            var blank = Scalar<long>("PRAGMA application_id", tx) == 0 && Scalar<long>("PRAGMA user_version", tx) == 0
                        && Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table'", tx) == 0;
            if (blank) CreateSchema(tx);
            tx.Commit();
        }
        var appId = Scalar<long>("PRAGMA application_id");
        var version = Scalar<long>("PRAGMA user_version");
        if (appId != ApplicationId)
            throw new ExperimentStoreException($"{Path} is not a workbook experiment store (application_id 0x{appId:X8}, expected 0x{ApplicationId:X8}); " +
                                               "it belongs to another application.");
        if (version > SchemaVersion)
            throw new ExperimentStoreException($"{Path} has schema version {version}, newer than this code's {SchemaVersion}. Update the workbook.");
        if (version < 1)
            throw new ExperimentStoreException($"{Path} has an unknown schema version {version}.");
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");
    }

    private void CreateSchema(SqliteTransaction tx)
    {
        Execute($"""
            CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL);
            INSERT INTO schema_version VALUES ({SchemaVersion}, '{Now()}');
            CREATE TABLE experiments (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                task TEXT NOT NULL,
                data_path TEXT NOT NULL,
                task_options TEXT NOT NULL,
                search_space TEXT NOT NULL,
                tuner TEXT NOT NULL,
                seed INTEGER NOT NULL,
                budget_seconds REAL NOT NULL,
                max_trials INTEGER NOT NULL,
                data_hash TEXT NOT NULL,
                code_version TEXT NOT NULL,
                created TEXT NOT NULL,
                runner_pid INTEGER,
                runner_host TEXT,
                finished TEXT,
                model_path TEXT
            );
            CREATE TABLE trials (
                experiment_id INTEGER NOT NULL REFERENCES experiments(id),
                number INTEGER NOT NULL,
                params TEXT NOT NULL,
                budget REAL NOT NULL,
                metrics TEXT,
                objective REAL,
                duration_seconds REAL,
                status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'killed')),
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 1,
                started TEXT NOT NULL,
                finished TEXT,
                PRIMARY KEY (experiment_id, number)
            );
            PRAGMA application_id = {ApplicationId};
            PRAGMA user_version = {SchemaVersion};
            """, tx);
    }

    /// <summary>Creates the experiment, or returns the stored one after checking it is the same definition.</summary>
    public ExperimentRecord CreateOrOpen(ExperimentDefinition definition)
    {
        var existing = Find(definition.Name);
        if (existing is null)
        {
            ModelFiles.CheckExperimentName(definition.Name); // only new names: a stored experiment stays readable
            using var tx = _db.BeginTransaction();
            // Another process may have created the same name since Find: then this joins it, checked like a resume below.
            var inserted = Execute("""
                INSERT INTO experiments (name, task, data_path, task_options, search_space, tuner, seed, budget_seconds, max_trials, data_hash, code_version, created)
                VALUES ($name, $task, $data, $options, $space, $tuner, $seed, $budget, $trials, $hash, $code, $created)
                ON CONFLICT (name) DO NOTHING
                """, tx, ("$name", definition.Name), ("$task", definition.Task), ("$data", definition.DataPath),
                ("$options", definition.TaskOptions), ("$space", definition.SearchSpace), ("$tuner", definition.Tuner),
                ("$seed", definition.Seed), ("$budget", definition.BudgetSeconds), ("$trials", definition.MaxTrials),
                ("$hash", definition.DataHash), ("$code", definition.CodeVersion), ("$created", Now()));
            tx.Commit();
            existing = Find(definition.Name)!;
            if (inserted == 1) return existing;
        }
        var d = existing.Definition;
        void Same(string what, object stored, object now)
        {
            if (!Equals(stored, now))
                throw new ExperimentStoreException($"Experiment '{d.Name}' was created with {what} {stored}, but this run has {now}. " +
                                                   "Resuming would mix incomparable trials; start a new experiment name.");
        }
        Same("task", d.Task, definition.Task);
        Same("tuner", d.Tuner, definition.Tuner);
        Same("seed", d.Seed, definition.Seed);
        Same("search space", d.SearchSpace, definition.SearchSpace);
        Same("task options", d.TaskOptions, definition.TaskOptions);
        Same("data hash", d.DataHash, definition.DataHash);
        if (d.BudgetSeconds != definition.BudgetSeconds || d.MaxTrials != definition.MaxTrials)
        {
            // The budget is the one thing a resume may change (give a stopped experiment more time or trials).
            SetBudget(existing.Id, definition.BudgetSeconds, definition.MaxTrials);
            existing = Find(definition.Name)!;
        }
        return existing;
    }

    public ExperimentRecord? Find(string name)
    {
        using var cmd = Command("SELECT * FROM experiments WHERE name = $name", null, ("$name", name));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadExperiment(r) : null;
    }

    public ExperimentRecord Get(string name) =>
        Find(name) ?? throw new ExperimentStoreException($"No experiment named '{name}' in {Path}.");

    public IReadOnlyList<ExperimentRecord> List()
    {
        using var cmd = Command("SELECT * FROM experiments ORDER BY id");
        using var r = cmd.ExecuteReader();
        var list = new List<ExperimentRecord>();
        while (r.Read()) list.Add(ReadExperiment(r));
        return list;
    }

    /// <summary>
    /// Claims the experiment for this process. Refused while another live process holds it, so two runners never
    /// write the same trials; a dead holder (kill -9) is simply replaced.
    /// </summary>
    public void AcquireRunner(long experimentId)
    {
        using var tx = _db.BeginTransaction(deferred: false);
        using (var cmd = Command("SELECT runner_pid, runner_host FROM experiments WHERE id = $id", tx, ("$id", experimentId)))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            if (!r.IsDBNull(0) && r.GetString(1) == Environment.MachineName)
            {
                var pid = r.GetInt32(0);
                if (pid != Environment.ProcessId && IsAlive(pid))
                    throw new ExperimentStoreException($"Experiment {experimentId} is being run by process {pid}; wait for it or kill it first.");
            }
        }
        Execute("UPDATE experiments SET runner_pid = $pid, runner_host = $host, finished = NULL WHERE id = $id", tx,
            ("$pid", Environment.ProcessId), ("$host", Environment.MachineName), ("$id", experimentId));
        tx.Commit();
    }

    public void ReleaseRunner(long experimentId, bool finished)
    {
        Execute("UPDATE experiments SET runner_pid = NULL, runner_host = NULL, finished = $finished WHERE id = $id", null,
            ("$finished", finished ? Now() : null), ("$id", experimentId));
    }

    /// <summary>Raises the budget of a stored experiment (a resume that wants more time or trials).</summary>
    public void SetBudget(long experimentId, double budgetSeconds, int maxTrials) =>
        Execute("UPDATE experiments SET budget_seconds = $b, max_trials = $t WHERE id = $id", null,
            ("$b", budgetSeconds), ("$t", maxTrials), ("$id", experimentId));

    public void SetModelPath(long experimentId, string modelPath) =>
        Execute("UPDATE experiments SET model_path = $p WHERE id = $id", null, ("$p", modelPath), ("$id", experimentId));

    /// <summary>Trials a dead process left <c>running</c> become <c>killed</c>; returns how many.</summary>
    public int MarkOrphansKilled(long experimentId) =>
        Execute("UPDATE trials SET status = 'killed', error = 'the process running this trial ended before it finished' " +
                "WHERE experiment_id = $id AND status = 'running'", null, ("$id", experimentId));

    /// <summary>Records a trial as running (a new row, or a new attempt of a killed one under the same number).</summary>
    public void StartTrial(long experimentId, int number, ParameterSet parameters, double budget)
    {
        using var tx = _db.BeginTransaction();
        var updated = Execute("""
            UPDATE trials SET params = $params, budget = $budget, metrics = NULL, objective = NULL, duration_seconds = NULL,
                status = 'running', error = NULL, attempts = attempts + 1, started = $now, finished = NULL
            WHERE experiment_id = $id AND number = $n AND status = 'killed'
            """, tx, ("$params", parameters.Json), ("$budget", budget), ("$now", Now()), ("$id", experimentId), ("$n", number));
        if (updated == 0)
            Execute("""
                INSERT INTO trials (experiment_id, number, params, budget, status, started)
                VALUES ($id, $n, $params, $budget, 'running', $now)
                """, tx, ("$id", experimentId), ("$n", number), ("$params", parameters.Json), ("$budget", budget), ("$now", Now()));
        tx.Commit();
    }

    public void FinishTrial(long experimentId, int number, TrialStatus status, TrialMetrics? metrics, double durationSeconds, string? error)
    {
        using var tx = _db.BeginTransaction();
        var n = Execute("""
            UPDATE trials SET status = $status, metrics = $metrics, objective = $objective, duration_seconds = $duration,
                error = $error, finished = $now
            WHERE experiment_id = $id AND number = $n AND status = 'running'
            """, tx, ("$status", status.ToString().ToLowerInvariant()), ("$metrics", metrics?.ToJson()),
            ("$objective", metrics?.Objective), ("$duration", durationSeconds), ("$error", error), ("$now", Now()),
            ("$id", experimentId), ("$n", number));
        if (n != 1) throw new ExperimentStoreException($"Trial {number} of experiment {experimentId} was not running when it finished.");
        tx.Commit();
    }

    public IReadOnlyList<TrialRecord> Trials(long experimentId)
    {
        using var cmd = Command("SELECT number, params, budget, metrics, duration_seconds, status, error, attempts, started, finished " +
                                "FROM trials WHERE experiment_id = $id ORDER BY number", null, ("$id", experimentId));
        using var r = cmd.ExecuteReader();
        var list = new List<TrialRecord>();
        while (r.Read())
            list.Add(new TrialRecord(
                r.GetInt32(0), r.GetString(1), r.GetDouble(2),
                r.IsDBNull(3) ? null : TrialMetrics.FromJson(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetDouble(4),
                Enum.Parse<TrialStatus>(r.GetString(5), ignoreCase: true),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.GetInt32(7),
                DateTimeOffset.Parse(r.GetString(8), CultureInfo.InvariantCulture),
                r.IsDBNull(9) ? null : DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture)));
        return list;
    }

    public void Dispose() => _db.Dispose();

    private static ExperimentRecord ReadExperiment(SqliteDataReader r)
    {
        string? S(string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetString(r.GetOrdinal(c));
        var def = new ExperimentDefinition(S("name")!, S("task")!, S("data_path")!, S("task_options")!, S("search_space")!, S("tuner")!,
            r.GetInt32(r.GetOrdinal("seed")), r.GetDouble(r.GetOrdinal("budget_seconds")), r.GetInt32(r.GetOrdinal("max_trials")),
            S("data_hash")!, S("code_version")!);
        return new ExperimentRecord(r.GetInt64(r.GetOrdinal("id")), def, DateTimeOffset.Parse(S("created")!, CultureInfo.InvariantCulture),
            S("finished") is { } f ? DateTimeOffset.Parse(f, CultureInfo.InvariantCulture) : null, S("model_path"));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private T Scalar<T>(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Command(sql, tx);
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private int Execute(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, tx, args);
        return cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }
}

public enum TrialStatus { Running, Completed, Failed, Killed }

/// <summary>What defines an experiment; a resume must match it exactly (except budget, which may be extended).</summary>
public sealed record ExperimentDefinition(
    string Name, string Task, string DataPath, string TaskOptions, string SearchSpace, string Tuner, int Seed,
    double BudgetSeconds, int MaxTrials, string DataHash, string CodeVersion);

public sealed record ExperimentRecord(long Id, ExperimentDefinition Definition, DateTimeOffset Created, DateTimeOffset? Finished, string? ModelPath)
{
    public string Name => Definition.Name;
}

public sealed record TrialRecord(
    int Number, string ParamsJson, double Budget, TrialMetrics? Metrics, double? DurationSeconds, TrialStatus Status,
    string? Error, int Attempts, DateTimeOffset Started, DateTimeOffset? Finished)
{
    public double? Objective => Metrics?.Objective;
}

public sealed class ExperimentStoreException(string message, Exception? inner = null) : Exception(message, inner);
