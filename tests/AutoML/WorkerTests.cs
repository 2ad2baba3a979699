using Npgsql;
using Workbook.AutoML;
using Workbook.AutoML.Tuners;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.AutoML;

/// <summary>
/// Several workers on one experiment, in one process (threads, each with its own store connection) against a SQLite
/// file and a PostgreSQL schema; asynchronous halving; PostgreSQL stores that are not the workbook's.
/// </summary>
public sealed class WorkerTests : IDisposable
{
    private readonly TestStores _stores = new();
    private string Dir => _stores.Dir;

    public void Dispose() => _stores.Dispose();

    private string Store(string backend) => _stores.Store(backend);

    private static ExperimentDefinition Define(ITrainable t, string tuner, int trials, string name = "shared", int seed = 3) =>
        AutoMLTasks.Define(name, t, "(none)", "{}", tuner, seed, 600, trials);

    /// <summary>Runs <paramref name="workers"/> engines on threads, each with its own connection, all on one experiment.</summary>
    private static List<ExperimentSummary> RunWorkers(string store, ITrainable t, ExperimentDefinition definition, int workers)
    {
        using (var s = ExperimentStore.Open(store)) s.CreateOrOpen(definition);
        var summaries = new ExperimentSummary[workers];
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, workers).Select(i => new Thread(() =>
        {
            try
            {
                using var s = ExperimentStore.Open(store);
                summaries[i] = new AutoMLExperiment(s, t) { PollInterval = TimeSpan.FromMilliseconds(20) }.Join(definition.Name);
            }
            catch (Exception e) { errors.Add(e); }
        })).ToList();
        threads.ForEach(x => x.Start());
        threads.ForEach(x => x.Join());
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        return [.. summaries];
    }

    [Theory]
    [InlineData("sqlite", "random")]
    [InlineData("postgres", "random")]
    [InlineData("sqlite", "asha")]
    [InlineData("postgres", "asha")]
    public void Three_workers_share_one_experiment_each_trial_once(string backend, string tuner)
    {
        var t = new SyntheticTrainable(new SyntheticOptions(SleepMs: 30));
        var store = Store(backend);
        var summaries = RunWorkers(store, t, Define(t, tuner, 40), 3);
        using var s = ExperimentStore.Open(store);
        var trials = s.Trials(s.Get("shared").Id);
        Assert.Equal(Enumerable.Range(1, 40), trials.Select(x => x.Number));
        Assert.All(trials, x => Assert.Equal((TrialStatus.Completed, 1), (x.Status, x.Attempts)));
        Assert.Equal(40, summaries.Sum(x => x.TrialsRun)); // none run twice
        Assert.True(trials.Select(x => x.Worker).Distinct().Count() >= 2, "the trials were not shared");
        Assert.NotNull(s.Get("shared").Finished);
        if (tuner == "random")
        {
            // Random search's trial n is its n-th draw whoever runs it: the same trials as one worker would run.
            var reference = new AutoMLExperiment(ExperimentStore.Open(Path.Combine(Dir, "one.db")), t).Run(Define(t, tuner, 40));
            Assert.Equal(reference.Trials.Select(x => x.ParamsJson), trials.Select(x => x.ParamsJson));
        }
        else
        {
            // Every trial above the lowest rung (1/9) is a promotion of a configuration completed on the rung below, and there are some.
            Assert.Equal(1.0 / 9, trials.Min(x => x.Budget), 12);
            var promoted = trials.Where(x => x.Budget > 1.0 / 9 + 1e-12).ToList();
            Assert.NotEmpty(promoted);
            foreach (var x in promoted)
                Assert.Contains(trials, y => y.ParamsJson == x.ParamsJson && Math.Abs(y.Budget * TunerFactory.DefaultAshaEta - x.Budget) < 1e-9 && y.Number < x.Number);
        }
    }

    [Fact]
    public void A_resume_after_several_workers_continues_the_recorded_trials()
    {
        var t = new QuadraticTrainable();
        var store = Store("sqlite");
        RunWorkers(store, t, Define(t, "asha", 30), 3);
        List<TrialRecord> before;
        using (var s = ExperimentStore.Open(store)) before = [.. s.Trials(s.Get("shared").Id)];
        using (var s = ExperimentStore.Open(store))
        {
            s.SetBudget(s.Get("shared").Id, 600, 45);
            var resumed = new AutoMLExperiment(s, t).Run(s.Get("shared").Definition);
            Assert.Equal(30, resumed.TrialsReplayed);
            Assert.Equal(15, resumed.TrialsRun);
            Assert.Equal(Enumerable.Range(1, 45), resumed.Trials.Select(x => x.Number));
            Assert.Equal(before.Select(x => (x.ParamsJson, x.Finished)), resumed.Trials.Take(30).Select(x => (x.ParamsJson, x.Finished)));
            // What the resume added is what ASHA proposes from the 30 recorded trials, one at a time.
            var asha = new AsyncHalvingTuner(t.Space, 3, TunerFactory.DefaultAshaEta, TunerFactory.DefaultAshaRungs, t.Defaults, TunerFactory.DefaultChangeProbability);
            var replay = resumed.Trials.Take(30).ToList();
            foreach (var x in resumed.Trials.Skip(30))
            {
                var next = asha.Next(replay);
                Assert.Equal((next.Parameters.Json, next.Budget), (x.ParamsJson, x.Budget));
                replay.Add(x);
            }
        }
    }

    [Fact]
    public void A_silent_worker_on_another_host_loses_its_trial_after_the_heartbeat_timeout()
    {
        var t = new QuadraticTrainable();
        var store = Store("postgres");
        using var s = ExperimentStore.Open(store);
        new AutoMLExperiment(s, t).Run(Define(t, "cfo", 2));
        using (var db = new NpgsqlConnection(store))
        {
            db.Open();
            using var cmd = new NpgsqlCommand("UPDATE trials SET status = 'running', metrics = NULL, objective = NULL, finished = NULL, " +
                                              $"worker = 'elsewhere/4242/1', heartbeat = '{DateTimeOffset.UtcNow:O}' WHERE number = 2", db);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Cost-frugal search needs trial 2's result before it proposes trial 3: the worker waits, then reclaims.
        var summary = new AutoMLExperiment(s, t) { HeartbeatTimeout = TimeSpan.FromSeconds(1.5), PollInterval = TimeSpan.FromMilliseconds(50) }
            .Run(Define(t, "cfo", 4));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.2), $"reclaimed after {watch.Elapsed}, before the timeout");
        Assert.Equal([1, 2, 3, 4], summary.Trials.Select(x => x.Number));
        Assert.All(summary.Trials, x => Assert.Equal(TrialStatus.Completed, x.Status));
        Assert.Equal(2, summary.Trials[1].Attempts);
        Assert.NotEqual("elsewhere/4242/1", summary.Trials[1].Worker);
        // One worker, same seed: the trials of an uninterrupted run.
        using var other = ExperimentStore.Open(Path.Combine(Dir, "reference.db"));
        Assert.Equal(new AutoMLExperiment(other, t).Run(Define(t, "cfo", 4)).Trials.Select(x => x.ParamsJson), summary.Trials.Select(x => x.ParamsJson));
    }

    [Fact]
    public void Asynchronous_halving_promotes_as_soon_as_a_rung_has_eta_results()
    {
        var space = new SearchSpace().Float("x", 0, 1);
        var asha = new AsyncHalvingTuner(space, seed: 1, eta: 3, rungs: 3);
        var trials = new List<TrialRecord>();
        void Add(TrialRequest r, double? objective) => trials.Add(new TrialRecord(trials.Count + 1, r.Parameters.Json, r.Budget,
            objective is { } o ? new TrialMetrics(o) : null, 0, objective is null ? TrialStatus.Failed : TrialStatus.Completed, null, 1, DateTimeOffset.UnixEpoch, null));
        // Two results on the lowest rung are not enough to promote one of them (floor(2/3) = 0).
        for (var i = 0; i < 2; i++)
        {
            var r = asha.Next(trials);
            Assert.Equal(1.0 / 9, r.Budget, 12);
            Add(r, r.Parameters.GetDouble("x"));
        }
        // A third, still running, changes nothing; once it is done, the best of the three goes up a rung.
        var third = asha.Next(trials);
        trials.Add(new TrialRecord(3, third.Parameters.Json, third.Budget, null, null, TrialStatus.Running, null, 1, DateTimeOffset.UnixEpoch, null));
        Assert.Equal(1.0 / 9, asha.Next(trials).Budget, 12);
        Assert.NotEqual(third.Parameters.Json, asha.Next(trials).Parameters.Json); // a new configuration, not the running one
        trials[2] = trials[2] with { Status = TrialStatus.Completed, Metrics = new TrialMetrics(third.Parameters.GetDouble("x")) };
        var promoted = asha.Next(trials);
        Assert.Equal(1.0 / 3, promoted.Budget, 12);
        Assert.Equal(trials.MaxBy(x => x.Objective)!.ParamsJson, promoted.Parameters.Json);
        // A failed configuration is never promoted, even when it is among the top third by count.
        var fresh = new AsyncHalvingTuner(space, seed: 2, eta: 3, rungs: 3);
        var failing = new List<TrialRecord>();
        for (var i = 0; i < 3; i++)
        {
            var r = fresh.Next(failing);
            failing.Add(new TrialRecord(i + 1, r.Parameters.Json, r.Budget, null, 0, TrialStatus.Failed, "crash", 1, DateTimeOffset.UnixEpoch, null));
        }
        Assert.Equal(1.0 / 9, fresh.Next(failing).Budget, 12);
    }

    [Fact]
    public void A_postgres_database_of_another_application_is_refused_naming_the_store()
    {
        var store = Store("postgres");
        using (var db = new NpgsqlConnection(store))
        {
            db.Open();
            using var cmd = new NpgsqlCommand("CREATE TABLE experiments (id int, notes text)", db);
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(store));
        Assert.Contains("not a workbook experiment store", e.Message);
        Assert.Contains($"postgres://postgres@127.0.0.1:5432/workbook_test (schema {_stores.SchemaName})", e.Message);
        Assert.DoesNotContain("Password", e.Message);
        // A stamp that is someone else's, or newer than this code, is refused too.
        using (var db = new NpgsqlConnection(store))
        {
            db.Open();
            using var cmd = new NpgsqlCommand("DROP TABLE experiments; CREATE TABLE workbook_store (application_id BIGINT, schema_version INT); " +
                                              "INSERT INTO workbook_store VALUES (1, 2)", db);
            cmd.ExecuteNonQuery();
        }
        Assert.Contains("application_id 0x00000001", Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(store)).Message);
        using (var db = new NpgsqlConnection(store))
        {
            db.Open();
            using var cmd = new NpgsqlCommand($"UPDATE workbook_store SET application_id = {ExperimentStore.ApplicationId}, schema_version = 99", db);
            cmd.ExecuteNonQuery();
        }
        Assert.Contains("newer", Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(store)).Message);
        // An unreachable server is an error naming it, without the password.
        var down = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open("Host=127.0.0.1;Port=1;Username=u;Password=secret;Database=d;Timeout=2"));
        Assert.Contains("postgres://u@127.0.0.1:1/d", down.Message);
        Assert.DoesNotContain("secret", down.Message);
    }

    [Theory]
    [InlineData("sqlite", 1)]
    [InlineData("sqlite", 2)]
    [InlineData("postgres", 2)]
    public void An_older_store_is_upgraded_and_its_trials_resume(string backend, int version)
    {
        var path = Store(backend);
        var t = new QuadraticTrainable();
        using (var s = ExperimentStore.Open(path)) new AutoMLExperiment(s, t).Run(Define(t, "random", 3));
        // What versions 1 and 2 looked like: no constraints of experiments; version 1 also no worker columns of trials.
        var downgrade = "ALTER TABLE experiments DROP COLUMN constraints; " + (version == 1 ? "ALTER TABLE trials DROP COLUMN worker; ALTER TABLE trials DROP COLUMN heartbeat; " : "");
        if (backend == "postgres")
        {
            using var db = new Npgsql.NpgsqlConnection(path);
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = downgrade + $"UPDATE workbook_store SET schema_version = {version}";
            cmd.ExecuteNonQuery();
        }
        else
        {
            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = downgrade + $"PRAGMA user_version = {version}";
            cmd.ExecuteNonQuery();
        }
        using var store = ExperimentStore.Open(path);
        var e = store.Get("shared");
        Assert.Equal("", e.Definition.Constraints);
        Assert.Equal(3, store.Trials(e.Id).Count);
        store.SetBudget(e.Id, 600, 5);
        Assert.Equal([1, 2, 3, 4, 5], new AutoMLExperiment(store, t).Run(store.Get("shared").Definition).Trials.Select(x => x.Number));
    }
}
