using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Workbook.AutoML;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.AutoML;

/// <summary>kill -9 of a real `workbook automl run` mid-trial, then `automl resume`: no trial lost, duplicated or rerun.</summary>
public sealed class KillResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("automl-kill-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static bool FourthTrialRunning(string store)
    {
        if (!File.Exists(store)) return false;
        using var db = new SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        try
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM trials WHERE number = 4 AND status = 'running'";
            return Convert.ToInt64(cmd.ExecuteScalar()) == 1;
        }
        catch (SqliteException) { return false; } // schema not created yet
    }

    [Fact]
    public void Killed_run_resumes_with_contiguous_trials_none_duplicated_none_lost_none_rerun()
    {
        var store = Path.Combine(_dir, "experiments.db");
        const int trials = 6;
        const string options = """{"SleepMs":800}""";
        string[] common = ["--store", store, "--no-refit"];
        using var run = CliProcess.Start(["automl", "run", "--task", "synthetic", "--task-options", options, "--tuner", "cfo", "--seed", "7",
            "--experiment", "killme", "--trials", $"{trials}", "--budget", "600", .. common]);
        var stderr = run.StandardError.ReadToEndAsync();

        // Watch the store (as another reader would) until three trials have finished and the fourth is running,
        // then kill during it (each trial sleeps 800 ms).
        var watch = Stopwatch.StartNew();
        while (!FourthTrialRunning(store))
        {
            // (The message must not read the child's output before it fails: that would wait for the child to exit.)
            if (run.HasExited) Assert.Fail($"the CLI ended early: {run.StandardOutput.ReadToEnd()}\n{stderr.Result}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "no progress from the CLI");
            Thread.Sleep(20);
        }
        Thread.Sleep(100);
        run.Kill(); // SIGKILL: no finally blocks, no cleanup
        run.WaitForExit();

        List<TrialRecord> before;
        using (var s = ExperimentStore.Open(store))
            before = s.Trials(s.Get("killme").Id).ToList();
        Assert.Equal(TrialStatus.Running, before[^1].Status); // the kill landed inside a trial
        var finishedBefore = before.Where(t => t.Status == TrialStatus.Completed).ToList();
        Assert.True(finishedBefore.Count >= 3, $"{finishedBefore.Count} trials finished before the kill");

        var resume = CliProcess.Run(["automl", "resume", "killme", .. common], timeout: TimeSpan.FromSeconds(60));
        Assert.True(resume.ExitCode == 0, resume.Stdout + resume.Stderr);
        Assert.Contains($"replayed {finishedBefore.Count}", resume.Stdout);

        using var after = ExperimentStore.Open(store);
        var all = after.Trials(after.Get("killme").Id);
        Assert.Equal(Enumerable.Range(1, trials), all.Select(t => t.Number)); // contiguous, none lost, none duplicated
        Assert.All(all, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(all.Count, all.Select(t => t.ParamsJson).Distinct().Count());
        foreach (var f in finishedBefore)
        {
            // Finished trials were read back, not rerun: untouched rows.
            var now = all.Single(t => t.Number == f.Number);
            Assert.Equal((f.ParamsJson, f.Finished, f.Attempts, f.Objective), (now.ParamsJson, now.Finished, now.Attempts, now.Objective));
        }
        var killed = all.Single(t => t.Number == before[^1].Number);
        Assert.Equal(2, killed.Attempts);
        Assert.Equal(before[^1].ParamsJson, killed.ParamsJson);

        // The resumed experiment has exactly the trials of an uninterrupted run with the same seed.
        var t0 = new SyntheticTrainable(SyntheticTrainable.ParseOptions(options) with { SleepMs = 0 });
        using var reference = ExperimentStore.Open(Path.Combine(_dir, "reference.db"));
        var whole = new AutoMLExperiment(reference, t0).Run(AutoMLTasks.Define("ref", t0, "(none)", "{}", "cfo", 7, 600, trials));
        Assert.Equal(whole.Trials.Select(t => t.ParamsJson), all.Select(t => t.ParamsJson));
    }
}
