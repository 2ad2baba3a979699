using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Workbook.SearchLogs;

namespace Workbook.AutoML;

/// <summary>
/// The experiment store: a SQLite file (default <c>data/experiments.db</c>) or a PostgreSQL database (an Npgsql
/// connection string or <c>postgres://</c> URI, as the search-log pipeline takes them). Experiments and their trials
/// are written as they happen, each trial on hand-out and on finish in its own transaction, so a killed worker leaves
/// at most its one trial marked <c>running</c>. Several workers share one experiment: <see cref="HandOut"/> decides
/// the next trial under the experiment's lock (SQLite: a <c>BEGIN IMMEDIATE</c> write transaction; PostgreSQL: the
/// experiment's row <c>SELECT ... FOR UPDATE</c>), and every trial records its worker and heartbeat.
/// A SQLite file is stamped with <c>PRAGMA application_id</c> and <c>user_version</c>, a PostgreSQL schema with a
/// <c>workbook_store</c> table; anything else (another application's database, a newer schema, a file that is not
/// SQLite) is refused with a clear error naming the store.
/// </summary>
public sealed class ExperimentStore : IDisposable
{
    /// <summary>"WBAM" (Workbook AutoML) as a big-endian int.</summary>
    public const int ApplicationId = 0x5742414D;

    /// <summary>
    /// 3: experiments keep their constraints; 2: trials record their worker and heartbeat. An older store is upgraded
    /// when opened (its experiments get no constraints).
    /// </summary>
    public const int SchemaVersion = 3;

    private readonly DbConnection _db;
    private readonly bool _postgres;
    // One connection per store object; the worker's heartbeat thread shares it with the trial loop.
    private readonly Lock _gate = new();

    /// <summary>The SQLite file's full path, or the PostgreSQL database as <c>postgres://user@host:port/db</c> (no password).</summary>
    public string Path { get; }

    private ExperimentStore(string path, DbConnection db, bool postgres)
    {
        Path = path;
        _db = db;
        _postgres = postgres;
    }

    /// <summary>A new, empty store at <paramref name="path"/>, replacing any earlier one (for reports that rerun from scratch).</summary>
    public static ExperimentStore OpenFresh(string path)
    {
        if (SearchLogDatabase.BackendOf(path) == DatabaseBackend.Postgres)
            throw new ExperimentStoreException($"{SearchLogDatabase.Describe(path)}: a fresh store is a SQLite file; drop a PostgreSQL store's tables yourself.");
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        return Open(path);
    }

    /// <summary>Opens (creating when new) the store at a SQLite path or a PostgreSQL connection string.</summary>
    public static ExperimentStore Open(string pathOrConnectionString) => Open(pathOrConnectionString, TimeSpan.FromMinutes(1));

    /// <param name="busyTimeout">How long a SQLite writer waits for another process's write lock (tests shorten it).</param>
    internal static ExperimentStore Open(string pathOrConnectionString, TimeSpan busyTimeout) =>
        SearchLogDatabase.BackendOf(pathOrConnectionString) == DatabaseBackend.Postgres
            ? OpenPostgres(pathOrConnectionString)
            : OpenSqlite(pathOrConnectionString, busyTimeout);

    private static ExperimentStore OpenSqlite(string path, TimeSpan busyTimeout)
    {
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            db.Open();
            var store = new ExperimentStore(path, db, postgres: false);
            store.InitialiseSqlite(busyTimeout);
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

    private static ExperimentStore OpenPostgres(string connectionString)
    {
        string described;
        try { described = SearchLogDatabase.Describe(connectionString); }
        catch (ArgumentException e) { throw new ExperimentStoreException($"--store '{connectionString}' is not a usable PostgreSQL connection string ({e.Message}).", e); }
        DbConnection? db = null;
        try
        {
            db = SearchLogDatabase.Open(connectionString);
            var store = new ExperimentStore(described, db, postgres: true);
            store.InitialisePostgres();
            return store;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            db?.Dispose();
            throw new ExperimentStoreException($"{described} is not a readable experiment store ({e.Message}).", e);
        }
        catch
        {
            db?.Dispose();
            throw;
        }
    }

    private void InitialiseSqlite(TimeSpan busyTimeout)
    {
        // Several runs share a store (different experiments, workers of one, or `automl list` beside a run): a writer waits its turn.
        Execute($"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}");
        // Two processes may open the same new, empty file at once. The check and the creation are one write
        // transaction, so the second waits for the first and then finds a store, instead of creating the tables
        // again and calling a healthy store unreadable. Reading the header is also what surfaces "file is not a
        // database" for a corrupt file. A version-1 store gains the worker columns, a version-2 (or 1) store the
        // constraints column, in the same transaction.
        using (var tx = BeginWrite())
        {
            var appId0 = Scalar<long>("PRAGMA application_id", tx);
            var version0 = Scalar<long>("PRAGMA user_version", tx);
            var blank = appId0 == 0 && version0 == 0 && Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table'", tx) == 0;
            if (blank) CreateSchema(tx);
            else if (appId0 == ApplicationId && version0 is 1 or 2)
                Execute((version0 == 1 ? "ALTER TABLE trials ADD COLUMN worker TEXT; ALTER TABLE trials ADD COLUMN heartbeat TEXT; " : "") +
                        $"{AddConstraints}; PRAGMA user_version = {SchemaVersion};", tx);
            tx.Commit();
        }
        var appId = Scalar<long>("PRAGMA application_id");
        var version = Scalar<long>("PRAGMA user_version");
        if (appId != ApplicationId)
            throw new ExperimentStoreException($"{Path} is not a workbook experiment store (application_id 0x{appId:X8}, expected 0x{ApplicationId:X8}); " +
                                               "it belongs to another application.");
        CheckVersion(version);
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");
    }

    private void InitialisePostgres()
    {
        using (var tx = BeginWrite())
        {
            // Concurrent openers of one new database: the first creates, the others wait here and then find the stamp.
            Execute($"SELECT pg_advisory_xact_lock({ApplicationId})", tx);
            if (!TableExists("workbook_store", tx))
            {
                var clash = new[] { "experiments", "trials" }.Where(t => TableExists(t, tx)).ToList();
                if (clash.Count > 0)
                    throw new ExperimentStoreException($"{Path} is not a workbook experiment store: it has the table(s) {string.Join(", ", clash)} but no " +
                                                       "workbook_store stamp, so they belong to another application. Use another database or schema (SearchPath=...).");
                CreateSchema(tx);
            }
            else if (Scalar<long>($"SELECT count(*) FROM workbook_store WHERE application_id = {ApplicationId} AND schema_version = 2", tx) == 1)
                Execute($"{AddConstraints}; UPDATE workbook_store SET schema_version = {SchemaVersion}", tx);
            tx.Commit();
        }
        using var cmd = Command("SELECT application_id, schema_version FROM workbook_store");
        using var r = cmd.ExecuteReader();
        if (!r.Read())
            throw new ExperimentStoreException($"{Path} is not a readable experiment store: its workbook_store stamp is empty. Use another database or schema.");
        var (appId, version) = (Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture));
        if (appId != ApplicationId)
            throw new ExperimentStoreException($"{Path} is not a workbook experiment store (application_id 0x{appId:X8}, expected 0x{ApplicationId:X8}); " +
                                               "it belongs to another application.");
        CheckVersion(version);
    }

    private void CheckVersion(long version)
    {
        if (version > SchemaVersion)
            throw new ExperimentStoreException($"{Path} has schema version {version}, newer than this code's {SchemaVersion}. Update the workbook.");
        if (version < SchemaVersion)
            throw new ExperimentStoreException($"{Path} has an unknown schema version {version}.");
    }

    private const string AddConstraints = "ALTER TABLE experiments ADD COLUMN constraints TEXT NOT NULL DEFAULT ''";

    private bool TableExists(string table, DbTransaction tx)
    {
        using var cmd = Command($"SELECT to_regclass('{table}')::text", tx);
        return cmd.ExecuteScalar() is string;
    }

    private void CreateSchema(DbTransaction tx)
    {
        // The same tables in both dialects; PostgreSQL's REAL is single precision, so doubles are DOUBLE PRECISION there.
        var id = _postgres ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY";
        var real = _postgres ? "DOUBLE PRECISION" : "REAL";
        var stamp = _postgres
            ? $"CREATE TABLE workbook_store (application_id BIGINT NOT NULL, schema_version INTEGER NOT NULL); INSERT INTO workbook_store VALUES ({ApplicationId}, {SchemaVersion});"
            : $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {SchemaVersion};";
        // (SQLite only: a PostgreSQL database may hold another application's schema_version table.)
        var history = _postgres ? "" : $"CREATE TABLE schema_version (version INTEGER NOT NULL, applied TEXT NOT NULL); INSERT INTO schema_version VALUES ({SchemaVersion}, '{Now()}');";
        Execute($"""
            {history}
            CREATE TABLE experiments (
                id {id},
                name TEXT NOT NULL UNIQUE,
                task TEXT NOT NULL,
                data_path TEXT NOT NULL,
                task_options TEXT NOT NULL,
                search_space TEXT NOT NULL,
                tuner TEXT NOT NULL,
                seed INTEGER NOT NULL,
                budget_seconds {real} NOT NULL,
                max_trials INTEGER NOT NULL,
                data_hash TEXT NOT NULL,
                code_version TEXT NOT NULL,
                created TEXT NOT NULL,
                runner_pid INTEGER,
                runner_host TEXT,
                finished TEXT,
                model_path TEXT,
                constraints TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE trials (
                experiment_id {(_postgres ? "BIGINT" : "INTEGER")} NOT NULL REFERENCES experiments(id),
                number INTEGER NOT NULL,
                params TEXT NOT NULL,
                budget {real} NOT NULL,
                metrics TEXT,
                objective {real},
                duration_seconds {real},
                status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'killed')),
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 1,
                started TEXT NOT NULL,
                finished TEXT,
                worker TEXT,
                heartbeat TEXT,
                PRIMARY KEY (experiment_id, number)
            );
            {stamp}
            """, tx);
    }

    /// <summary>Creates the experiment, or returns the stored one after checking it is the same definition.</summary>
    public ExperimentRecord CreateOrOpen(ExperimentDefinition definition)
    {
        var existing = Find(definition.Name);
        if (existing is null)
        {
            ModelFiles.CheckExperimentName(definition.Name); // only new names: a stored experiment stays readable
            int inserted;
            lock (_gate)
            {
                using var tx = BeginWrite();
                // Another process may have created the same name since Find: then this joins it, checked like a resume below.
                inserted = Execute("""
                    INSERT INTO experiments (name, task, data_path, task_options, search_space, tuner, seed, budget_seconds, max_trials, data_hash, code_version, created, constraints)
                    VALUES (@name, @task, @data, @options, @space, @tuner, @seed, @budget, @trials, @hash, @code, @created, @constraints)
                    ON CONFLICT (name) DO NOTHING
                    """, tx, ("@name", definition.Name), ("@task", definition.Task), ("@data", definition.DataPath),
                    ("@options", definition.TaskOptions), ("@space", definition.SearchSpace), ("@tuner", definition.Tuner),
                    ("@seed", definition.Seed), ("@budget", definition.BudgetSeconds), ("@trials", definition.MaxTrials),
                    ("@hash", definition.DataHash), ("@code", definition.CodeVersion), ("@created", Now()),
                    ("@constraints", TrialConstraint.Normalise(definition.Constraints)));
                tx.Commit();
            }
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
        Same("constraints", $"'{d.Constraints}'", $"'{TrialConstraint.Normalise(definition.Constraints)}'");
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
        lock (_gate)
        {
            using var cmd = Command("SELECT * FROM experiments WHERE name = @name", null, ("@name", name));
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadExperiment(r) : null;
        }
    }

    public ExperimentRecord Get(string name) =>
        Find(name) ?? throw new ExperimentStoreException($"No experiment named '{name}' in {Path}.");

    public IReadOnlyList<ExperimentRecord> List()
    {
        lock (_gate)
        {
            using var cmd = Command("SELECT * FROM experiments ORDER BY id");
            using var r = cmd.ExecuteReader();
            var list = new List<ExperimentRecord>();
            while (r.Read()) list.Add(ReadExperiment(r));
            return list;
        }
    }

    /// <summary>Raises the budget of a stored experiment (a resume that wants more time or trials).</summary>
    public void SetBudget(long experimentId, double budgetSeconds, int maxTrials) =>
        Execute("UPDATE experiments SET budget_seconds = @b, max_trials = @t WHERE id = @id", null,
            ("@b", budgetSeconds), ("@t", maxTrials), ("@id", experimentId));

    public void SetModelPath(long experimentId, string modelPath) =>
        Execute("UPDATE experiments SET model_path = @p WHERE id = @id", null, ("@p", modelPath), ("@id", experimentId));

    /// <summary>Marks the experiment finished (its budget or tuner ran out), or not (a worker started on it).</summary>
    internal void SetFinished(long experimentId, bool finished) =>
        Execute("UPDATE experiments SET finished = @f WHERE id = @id", null, ("@f", finished ? Now() : null), ("@id", experimentId));

    /// <summary>
    /// The one place trials are handed out: under the experiment's lock (SQLite <c>BEGIN IMMEDIATE</c>, PostgreSQL the
    /// experiment row <c>FOR UPDATE</c>) reads every trial, lets <paramref name="decide"/> choose, and records the choice
    /// (a new trial, or a new attempt of a killed or abandoned one under its own number) as running for
    /// <paramref name="worker"/> before the lock is released, so no two workers ever get the same trial.
    /// </summary>
    internal HandOutDecision HandOut(long experimentId, string worker, Func<IReadOnlyList<TrialRecord>, HandOutDecision> decide)
    {
        lock (_gate)
        {
            using var tx = BeginWrite();
            if (_postgres) Execute("SELECT id FROM experiments WHERE id = @id FOR UPDATE", tx, ("@id", experimentId));
            var decision = decide(ReadTrials(experimentId, tx));
            var now = Now();
            if (decision.Kind == HandOutKind.Reclaim)
                Execute("""
                    UPDATE trials SET metrics = NULL, objective = NULL, duration_seconds = NULL, status = 'running', error = NULL,
                        attempts = attempts + 1, started = @now, finished = NULL, worker = @w, heartbeat = @now
                    WHERE experiment_id = @id AND number = @n
                    """, tx, ("@now", now), ("@w", worker), ("@id", experimentId), ("@n", decision.Number));
            else if (decision.Kind == HandOutKind.New)
                Execute("""
                    INSERT INTO trials (experiment_id, number, params, budget, status, started, worker, heartbeat)
                    VALUES (@id, @n, @params, @budget, 'running', @now, @w, @now)
                    """, tx, ("@id", experimentId), ("@n", decision.Number), ("@params", decision.ParamsJson), ("@budget", decision.Budget),
                    ("@now", now), ("@w", worker));
            tx.Commit();
            return decision;
        }
    }

    /// <summary>The worker is alive and still runs the trial; false when the trial is no longer its own (reclaimed).</summary>
    internal bool Heartbeat(long experimentId, int number, string worker) =>
        Execute("UPDATE trials SET heartbeat = @now WHERE experiment_id = @id AND number = @n AND worker = @w AND status = 'running'", null,
            ("@now", Now()), ("@id", experimentId), ("@n", number), ("@w", worker)) == 1;

    /// <summary>Records a trial's end; false (nothing written) when another worker reclaimed it meanwhile.</summary>
    internal bool FinishTrial(long experimentId, int number, string worker, TrialStatus status, TrialMetrics? metrics, double durationSeconds, string? error) =>
        Execute("""
            UPDATE trials SET status = @status, metrics = @metrics, objective = @objective, duration_seconds = @duration,
                error = @error, finished = @now, heartbeat = @now
            WHERE experiment_id = @id AND number = @n AND status = 'running' AND worker = @w
            """, null, ("@status", status.ToString().ToLowerInvariant()), ("@metrics", metrics?.ToJson()),
            ("@objective", metrics?.Objective), ("@duration", durationSeconds), ("@error", error), ("@now", Now()),
            ("@id", experimentId), ("@n", number), ("@w", worker)) == 1;

    public IReadOnlyList<TrialRecord> Trials(long experimentId)
    {
        lock (_gate) return ReadTrials(experimentId, null);
    }

    private List<TrialRecord> ReadTrials(long experimentId, DbTransaction? tx)
    {
        using var cmd = Command("SELECT number, params, budget, metrics, duration_seconds, status, error, attempts, started, finished, worker, heartbeat " +
                                "FROM trials WHERE experiment_id = @id ORDER BY number", tx, ("@id", experimentId));
        using var r = cmd.ExecuteReader();
        var list = new List<TrialRecord>();
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : DateTimeOffset.Parse(r.GetString(i), CultureInfo.InvariantCulture);
        while (r.Read())
            list.Add(new TrialRecord(
                r.GetInt32(0), r.GetString(1), r.GetDouble(2),
                r.IsDBNull(3) ? null : TrialMetrics.FromJson(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetDouble(4),
                Enum.Parse<TrialStatus>(r.GetString(5), ignoreCase: true),
                r.IsDBNull(6) ? null : r.GetString(6),
                r.GetInt32(7),
                Time(8)!.Value,
                Time(9),
                r.IsDBNull(10) ? null : r.GetString(10),
                Time(11)));
        return list;
    }

    public void Dispose() => _db.Dispose();

    private static ExperimentRecord ReadExperiment(DbDataReader r)
    {
        string? S(string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetString(r.GetOrdinal(c));
        var def = new ExperimentDefinition(S("name")!, S("task")!, S("data_path")!, S("task_options")!, S("search_space")!, S("tuner")!,
            r.GetInt32(r.GetOrdinal("seed")), r.GetDouble(r.GetOrdinal("budget_seconds")), r.GetInt32(r.GetOrdinal("max_trials")),
            S("data_hash")!, S("code_version")!, S("constraints") ?? "");
        return new ExperimentRecord(r.GetInt64(r.GetOrdinal("id")), def, DateTimeOffset.Parse(S("created")!, CultureInfo.InvariantCulture),
            S("finished") is { } f ? DateTimeOffset.Parse(f, CultureInfo.InvariantCulture) : null, S("model_path"));
    }

    internal static bool IsAlive(int pid)
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

    /// <summary>A write transaction: SQLite takes the write lock at once (<c>BEGIN IMMEDIATE</c>), so read-then-write never deadlocks.</summary>
    private DbTransaction BeginWrite() => _db is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : _db.BeginTransaction();

    private T Scalar<T>(string sql, DbTransaction? tx = null)
    {
        using var cmd = Command(sql, tx);
        return (T)Convert.ChangeType(cmd.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private int Execute(string sql, DbTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        lock (_gate)
        {
            using var cmd = Command(sql, tx, args);
            return cmd.ExecuteNonQuery();
        }
    }

    private DbCommand Command(string sql, DbTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}

public enum TrialStatus { Running, Completed, Failed, Killed }

internal enum HandOutKind { New, Reclaim, Wait, Stop }

/// <summary>What a worker decided under the experiment's lock: run a new trial, rerun a killed or abandoned one, wait, or stop.</summary>
internal sealed record HandOutDecision(HandOutKind Kind, int Number = 0, string ParamsJson = "", double Budget = 0, string Reason = "", int Attempts = 1)
{
    public static HandOutDecision New(int number, string paramsJson, double budget) => new(HandOutKind.New, number, paramsJson, budget);
    public static HandOutDecision Reclaim(TrialRecord t, string why) => new(HandOutKind.Reclaim, t.Number, t.ParamsJson, t.Budget, why, t.Attempts + 1);
    public static HandOutDecision Wait(string why) => new(HandOutKind.Wait, Reason: why);
    public static HandOutDecision Stop(string why) => new(HandOutKind.Stop, Reason: why);
}

/// <summary>What defines an experiment; a resume must match it exactly (except budget, which may be extended).</summary>
/// <param name="Constraints">Bounds on trial metrics the winner must meet, <c>metric&gt;=number</c> parts separated by ';'
/// (e.g. <c>cdiscount_predict_per_cpu_second&gt;=50000</c>); empty: none. The leaderboard and the selection rank the
/// feasible trials only.</param>
public sealed record ExperimentDefinition(
    string Name, string Task, string DataPath, string TaskOptions, string SearchSpace, string Tuner, int Seed,
    double BudgetSeconds, int MaxTrials, string DataHash, string CodeVersion, string Constraints = "");

public sealed record ExperimentRecord(long Id, ExperimentDefinition Definition, DateTimeOffset Created, DateTimeOffset? Finished, string? ModelPath)
{
    public string Name => Definition.Name;
}

/// <param name="Worker">Who ran (or runs) the trial: <c>host/pid/n</c>.</param>
/// <param name="Heartbeat">When its worker last said it was alive (a running trial whose heartbeat is older than the timeout is reclaimed).</param>
public sealed record TrialRecord(
    int Number, string ParamsJson, double Budget, TrialMetrics? Metrics, double? DurationSeconds, TrialStatus Status,
    string? Error, int Attempts, DateTimeOffset Started, DateTimeOffset? Finished, string? Worker = null, DateTimeOffset? Heartbeat = null)
{
    public double? Objective => Metrics?.Objective;
}

public sealed class ExperimentStoreException(string message, Exception? inner = null) : Exception(message, inner);
