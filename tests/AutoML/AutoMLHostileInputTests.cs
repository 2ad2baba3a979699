using Workbook.AutoML;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.AutoML;

/// <summary>
/// Concurrent creation of one new store, experiment names that would become paths outside data/models/automl, and a
/// model path that is one of the experiment's own inputs.
/// </summary>
public sealed class AutoMLHostileInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("automl-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Synthetic = ["--task", "synthetic", "--task-options", """{"SleepMs":0}""", "--tuner", "random", "--trials", "3", "--budget", "60"];

    [Fact]
    public void Many_openers_of_one_new_store_all_get_a_healthy_store()
    {
        for (var round = 0; round < 10; round++)
        {
            var path = Path.Combine(_dir, $"new-{round}.db");
            using var start = new Barrier(6);
            var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    using var store = ExperimentStore.Open(path);
                    Assert.Empty(store.List());
                }
                catch (Exception e) { errors.Add(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.True(errors.IsEmpty, string.Join("\n", errors.Select(e => e.Message)));
        }
    }

    [Fact]
    public void A_store_held_by_another_writer_is_busy_not_corrupt()
    {
        var path = Path.Combine(_dir, "held.db");
        using (ExperimentStore.Open(path)) { }
        using var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        other.Open();
        using var hold = other.BeginTransaction(deferred: false);
        var e = Assert.Throws<ExperimentStoreException>(() => ExperimentStore.Open(path, TimeSpan.FromMilliseconds(200)));
        Assert.Contains("is busy", e.Message);
        Assert.DoesNotContain("not a readable", e.Message);
    }

    [Fact]
    public void Two_cli_runs_creating_one_new_store_at_once_both_finish()
    {
        var store = Path.Combine(_dir, "shared.db");
        var runs = new[] { "first", "second" }.Select(name => CliProcess.Start(
            ["automl", "run", .. Synthetic, "--experiment", name, "--store", store, "--no-refit"])).ToList();
        var results = runs.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync(), P: p)).ToList();
        foreach (var (o, e, p) in results)
        {
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, o.Result + e.Result);
            p.Dispose();
        }
        using var s = ExperimentStore.Open(store);
        Assert.Equal(["first", "second"], s.List().Select(e => e.Name).Order());
        Assert.All(s.List(), e => Assert.Equal(3, s.Trials(e.Id).Count));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("a..b")]
    public void A_name_that_would_become_a_bad_path_is_refused_before_anything_is_written(string name)
    {
        var store = Path.Combine(_dir, "names.db");
        var r = CliProcess.Run(["automl", "run", .. Synthetic, "--experiment", name, "--store", store]);
        CliProcess.AssertUserError(r, $"experiment name '{name}' is not usable as a file name");
        Assert.False(File.Exists(store));

        using var s = ExperimentStore.Open(store);
        var t = new QuadraticTrainable();
        Assert.Throws<ArgumentException>(() => s.CreateOrOpen(AutoMLTasks.Define(name, t, "(none)", "{}", "random", 1, 10, 3)));
        Assert.Throws<ArgumentException>(() => ModelFiles.CheckExperimentName(name));
        Assert.Empty(s.List());
    }

    [Fact]
    public void A_model_path_that_is_the_store_or_a_data_file_is_refused_before_any_trial()
    {
        var store = Path.Combine(_dir, "kept.db");
        var r = CliProcess.Run(["automl", "run", .. Synthetic, "--experiment", "over-store", "--store", store, "--model", store]);
        CliProcess.AssertUserError(r, "is the experiment store");
        using (var s = ExperimentStore.Open(store)) Assert.Empty(s.List()); // still a healthy store, no experiment started

        var data = Path.Combine(_dir, "product_scoring.csv");
        File.Copy(WorkbookPaths.Data("ranking", "product_scoring.csv"), data);
        var before = File.ReadAllBytes(data);
        var rank = CliProcess.Run(["automl", "run", "--task", "rank", "--data", data, "--trials", "1", "--experiment", "over-data", "--store", store, "--model", data]);
        CliProcess.AssertUserError(rank, "is the data file");
        Assert.Equal(before, File.ReadAllBytes(data));
    }
}
