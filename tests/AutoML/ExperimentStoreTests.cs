using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Workbook.AutoML;

namespace Workbook.Tests.AutoML;

public sealed class ExperimentStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("automl-store-").FullName;
    private string StorePath => Path.Combine(_dir, "experiments.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ExperimentDefinition Define(ITrainable t, string name = "exp", string tuner = "random", int seed = 1, int trials = 20, double budget = 600) =>
        AutoMLTasks.Define(name, t, "(none)", "{}", tuner, seed, budget, trials);

    [Fact]
    public void Experiments_and_trials_round_trip()
    {
        var t = new QuadraticTrainable();
        using (var store = ExperimentStore.Open(StorePath))
            new AutoMLExperiment(store, t).Run(Define(t, trials: 7));
        using (var store = ExperimentStore.Open(StorePath))
        {
            var e = Assert.Single(store.List());
            Assert.Equal("exp", e.Name);
            Assert.Equal(t.Space.ToJson(), e.Definition.SearchSpace);
            Assert.Equal("quadratic", e.Definition.DataHash);
            Assert.NotNull(e.Finished);
            var trials = store.Trials(e.Id);
            Assert.Equal(Enumerable.Range(1, 7), trials.Select(x => x.Number));
            Assert.All(trials, x =>
            {
                Assert.Equal(TrialStatus.Completed, x.Status);
                Assert.Equal(QuadraticTrainable.Truth(t.Space.Parse(x.ParamsJson)), x.Metrics!.Values["truth"]);
                Assert.True(x.DurationSeconds >= 0);
            });
            Assert.Equal(t.Evaluated, trials.Select(x => x.ParamsJson));
        }
    }

    [Fact]
    public void A_corrupt_file_is_a_clear_error()
    {
        File.WriteAllText(StorePath, "this is not a database, just some text that is long enough to look like a header....");
        var e = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(StorePath));
        Assert.Contains(StorePath, e.Message);
        Assert.Contains("not a readable experiment store", e.Message);
    }

    [Fact]
    public void Another_applications_database_is_refused()
    {
        using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(StorePath));
        Assert.Contains("not a workbook experiment store", e.Message);
        Assert.Contains("application_id 0x00000000", e.Message);
    }

    [Fact]
    public void A_newer_schema_is_refused()
    {
        ExperimentStore.Open(StorePath).Dispose();
        using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"PRAGMA user_version = {ExperimentStore.SchemaVersion + 1}";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(StorePath));
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void Resume_continues_without_repeating_or_losing_trials()
    {
        var first = new QuadraticTrainable();
        using var store = ExperimentStore.Open(StorePath);
        new AutoMLExperiment(store, first).Run(Define(first, trials: 6));
        Assert.Equal(6, first.Evaluations);

        var e = store.Get("exp");
        store.SetBudget(e.Id, 600, 15);
        var second = new QuadraticTrainable();
        var summary = new AutoMLExperiment(store, second).Run(store.Get("exp").Definition);
        Assert.Equal(6, summary.TrialsReplayed);
        Assert.Equal(9, summary.TrialsRun);
        Assert.Equal(9, second.Evaluations);

        // Same sequence as one uninterrupted run of 15 trials with the same seed.
        var reference = new QuadraticTrainable();
        using var other = ExperimentStore.Open(Path.Combine(_dir, "reference.db"));
        var whole = new AutoMLExperiment(other, reference).Run(Define(reference, trials: 15));
        Assert.Equal(whole.Trials.Select(x => x.ParamsJson), summary.Trials.Select(x => x.ParamsJson));
        Assert.Equal(Enumerable.Range(1, 15), summary.Trials.Select(x => x.Number));
    }

    [Fact]
    public void A_trial_left_running_by_a_dead_process_is_rerun_under_its_own_number()
    {
        var t = new QuadraticTrainable();
        using var store = ExperimentStore.Open(StorePath);
        new AutoMLExperiment(store, t).Run(Define(t, tuner: "halving", trials: 5));
        var e = store.Get("exp");
        var before = store.Trials(e.Id);
        // What a kill -9 mid-trial leaves: trial 5 marked running, with no result.
        using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE trials SET status = 'running', metrics = NULL, objective = NULL, finished = NULL WHERE number = 5";
            cmd.ExecuteNonQuery();
        }
        store.SetBudget(e.Id, 600, 8);
        var again = new QuadraticTrainable();
        var summary = new AutoMLExperiment(store, again).Run(store.Get("exp").Definition);
        var after = summary.Trials;
        Assert.Equal(Enumerable.Range(1, 8), after.Select(x => x.Number));
        Assert.All(after, x => Assert.Equal(TrialStatus.Completed, x.Status));
        Assert.Equal(2, after.Single(x => x.Number == 5).Attempts);
        Assert.Equal(before[4].ParamsJson, after[4].ParamsJson);
        // Trials 1-4 were read back, not rerun: same finish times, and the trainer saw only trials 5-8.
        Assert.Equal(before.Take(4).Select(x => x.Finished), after.Take(4).Select(x => x.Finished));
        Assert.Equal(4, again.Evaluations);
    }

    [Fact]
    public void A_failing_configuration_is_recorded_with_its_error_and_the_search_goes_on()
    {
        var t = new QuadraticTrainable(crash: (p, _) => p.GetDouble("x") > 0.5);
        using var store = ExperimentStore.Open(StorePath);
        var summary = new AutoMLExperiment(store, t).Run(Define(t, trials: 30));
        var failed = summary.Trials.Where(x => x.Status == TrialStatus.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, x => Assert.Contains("trainer crashed", x.Error));
        Assert.Equal(30, summary.Trials.Count);
        Assert.True(summary.Best!.Status == TrialStatus.Completed);
    }

    [Fact]
    public void A_time_budget_cuts_the_running_trial_which_a_resume_with_more_time_reruns()
    {
        // Halving's first rung runs on 1/27 of the budget: 81 s / 27 = 3 s per trial, against a 0.5 s budget, so the
        // first trial is cut even when a loaded machine fires the budget's timer 2 s late (1 s trials once completed
        // before a timer delayed that long under a full test run at load 25).
        var t = new SyntheticTrainable(new SyntheticOptions(SleepMs: 81000));
        using var store = ExperimentStore.Open(StorePath);
        var watch = Stopwatch.StartNew();
        var summary = new AutoMLExperiment(store, t).Run(AutoMLTasks.Define("timed", t, "(none)", "{}", "halving", 1, 0.5, 2));
        Assert.True(watch.Elapsed.TotalSeconds >= 0.45, $"{watch.Elapsed}");
        var cut = Assert.Single(summary.Trials);
        Assert.Equal(TrialStatus.Killed, cut.Status);
        Assert.Contains("time budget", cut.Error);

        // With 12 s in total, two 3 s trials fit; the cut trial keeps its number.
        var resumed = new AutoMLExperiment(store, t).Run(AutoMLTasks.Define("timed", t, "(none)", "{}", "halving", 1, 12, 2));
        Assert.Equal([1, 2], resumed.Trials.Select(x => x.Number));
        Assert.All(resumed.Trials, x => Assert.Equal(TrialStatus.Completed, x.Status));
        Assert.Equal(2, resumed.Trials[0].Attempts);
        Assert.Equal(cut.ParamsJson, resumed.Trials[0].ParamsJson);
    }

    [Fact]
    public void Resuming_with_a_changed_definition_is_refused()
    {
        var t = new QuadraticTrainable();
        using var store = ExperimentStore.Open(StorePath);
        new AutoMLExperiment(store, t).Run(Define(t, trials: 3));
        var e = Assert.Throws<ExperimentStoreException>(() => new AutoMLExperiment(store, t).Run(Define(t, seed: 2, trials: 3)));
        Assert.Contains("seed", e.Message);
        Assert.Throws<ExperimentStoreException>(() => new AutoMLExperiment(store, t).Run(Define(t, tuner: "cfo", trials: 3)));
    }

    [Fact]
    public void A_trial_of_a_live_worker_is_left_to_it_and_rerun_once_that_worker_dies()
    {
        // Several processes may now work on one experiment (the runner lock is gone): a trial held by a live worker is
        // not taken, random search hands out the next trials meanwhile, and the trial is rerun once its worker dies.
        var t = new QuadraticTrainable();
        using var store = ExperimentStore.Open(StorePath);
        new AutoMLExperiment(store, t).Run(Define(t, trials: 2));
        using var holder = Process.Start(new ProcessStartInfo("sleep", "30"))!;
        try
        {
            using (var db = new SqliteConnection($"Data Source={StorePath};Pooling=False"))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = $"UPDATE trials SET status = 'running', metrics = NULL, objective = NULL, finished = NULL, " +
                                  $"worker = '{Environment.MachineName}/{holder.Id}/1', heartbeat = '{DateTimeOffset.UtcNow:O}' WHERE number = 2";
                cmd.ExecuteNonQuery();
            }
            var killer = new Thread(() =>
            {
                Thread.Sleep(1000);
                holder.Kill();
            });
            killer.Start();
            var summary = new AutoMLExperiment(store, t).Run(Define(t, trials: 4));
            killer.Join();
            Assert.Equal([1, 2, 3, 4], summary.Trials.Select(x => x.Number));
            Assert.All(summary.Trials, x => Assert.Equal(TrialStatus.Completed, x.Status));
            var rerun = summary.Trials[1];
            Assert.Equal(2, rerun.Attempts);
            // Trials 3 and 4 did not wait for trial 2's worker: they finished before its rerun started.
            Assert.True(summary.Trials[3].Finished <= rerun.Started, $"{summary.Trials[3].Finished:O} vs {rerun.Started:O}");
        }
        finally
        {
            if (!holder.HasExited) holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void The_best_configuration_is_refit_and_saved_with_its_lineage()
    {
        var t = new QuadraticTrainable();
        using var store = ExperimentStore.Open(StorePath);
        var summary = new AutoMLExperiment(store, t).Run(Define(t, trials: 10));
        var model = Path.Combine(_dir, "models", "best.model");
        // The engine records each trial's CPU time, stored and read back with its metrics; histories accumulate it.
        Assert.All(summary.Trials, tr => Assert.InRange(tr.Metrics!.Values[Leaderboard.CpuSecondsMetric], 0, 60));
        var history = Leaderboard.History(summary.Trials);
        Assert.Equal(summary.Trials.Sum(tr => tr.Metrics!.Values[Leaderboard.CpuSecondsMetric]), history[^1].ElapsedCpuSeconds, 9);
        var lineage = ModelFiles.RefitBest(store, "exp", t, model);
        Assert.Equal(summary.Best!.ParamsJson, File.ReadAllText(model));
        Assert.Equal(summary.Best.Number, lineage.Trial);
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(ModelFiles.LineagePath(model))).RootElement;
        Assert.Equal("exp", json.GetProperty("Experiment").GetString());
        Assert.Equal("quadratic", json.GetProperty("DataHash").GetString());
        Assert.Equal(summary.Best.Number, json.GetProperty("Trial").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("Provenance").GetProperty("Commit").GetString()));
        Assert.Equal(model, store.Get("exp").ModelPath);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(model)!, "*.tmp"));
        Assert.Equal(QuadraticTrainable.Truth(t.Space.Parse(summary.Best.ParamsJson)), lineage.TestMetrics["objective"]);
        // Its provenance names the experiment's data, not whatever else the process read: a synthetic task has none.
        Assert.Empty(lineage.Provenance.Files);
    }

    [Fact]
    public void An_experiments_data_is_its_file_or_every_file_of_its_folder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "catalogue")).FullName;
        File.WriteAllText(Path.Combine(folder, "label_info.csv"), "x");
        File.WriteAllText(Path.Combine(folder, "data.csv"), "x");
        Assert.Equal([Path.Combine(folder, "data.csv"), Path.Combine(folder, "label_info.csv")], ModelFiles.DataFiles(folder));
        Assert.Equal([Path.Combine(folder, "data.csv")], ModelFiles.DataFiles(Path.Combine(folder, "data.csv")));
        Assert.Empty(ModelFiles.DataFiles(Path.Combine(_dir, "no-such-data")));
    }
}
