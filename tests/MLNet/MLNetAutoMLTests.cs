using Workbook.AutoML;
using Workbook.Tests.Products;

namespace Workbook.Tests.MLNet;

/// <summary>The mlnet-classify AutoML task: a few trials on flipkart-1050 through the engine, then a resume that replays them.</summary>
public sealed class MLNetAutoMLTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("automl-mlnet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Task_runs_trials_and_resumes_without_rerunning_them()
    {
        var tasks = AutoMLTasks.Standard.With(MLNetClassifierTrainable.Registration);
        var folder = ProductTestData.Folder("flipkart-1050");
        // Capped training products keep each trial near a second; the tree still has all its nodes.
        var options = tasks.NormaliseOptions("mlnet-classify", """{"MaxTrain":400,"Threads":2}""");
        var trainable = tasks.Create("mlnet-classify", folder, options);
        Assert.Equal(trainable.Space.Initial().Json, trainable.Defaults.Json);
        var store = Path.Combine(_dir, "experiments.db");
        var definition = AutoMLTasks.Define("mlnet", trainable, folder, options, "random", 3, budgetSeconds: 600, maxTrials: 2);

        using (var s = ExperimentStore.Open(store))
        {
            var first = new AutoMLExperiment(s, trainable).Run(definition);
            Assert.Equal(2, first.TrialsRun);
            Assert.All(first.Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
            // Better than nothing: flipkart's majority path scores below 0.1 hierarchical F1.
            Assert.All(first.Trials, t => Assert.InRange(t.Objective!.Value, 0.2, 1.0));
            s.SetBudget(s.Get("mlnet").Id, 600, 3);
        }

        // A fresh trainable, as `automl resume` builds it from the stored definition.
        using (var s = ExperimentStore.Open(store))
        {
            var d = s.Get("mlnet").Definition;
            var resumed = new AutoMLExperiment(s, tasks.Create(d.Task, d.DataPath, d.TaskOptions)).Run(d);
            Assert.Equal(2, resumed.TrialsReplayed);
            Assert.Equal(1, resumed.TrialsRun);
            Assert.Equal([1, 2, 3], resumed.Trials.Select(t => t.Number).Order().ToArray());
            // The task options reached the trainable the engine rebuilt: no trial trained on more than the cap.
            Assert.All(resumed.Trials, t => Assert.InRange(t.Metrics!.Values["train_products"], 50, 400));
        }
    }
}
