using Workbook.AutoML;
using Workbook.Products.Classification;
using Workbook.Products.Ranking;

namespace Workbook.Tests.AutoML;

public class TrainableTests
{
    [Fact]
    public void Cross_validation_folds_partition_the_indices()
    {
        var folds = CrossValidation.Folds(103, 5, seed: 3).ToList();
        Assert.Equal(5, folds.Count);
        Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => f.Test).Order());
        Assert.All(folds, f =>
        {
            Assert.Empty(f.Train.Intersect(f.Test));
            Assert.Equal(103, f.Train.Length + f.Test.Length);
            Assert.InRange(f.Test.Length, 20, 21);
        });
        Assert.Equal(folds.Select(f => f.Test), CrossValidation.Folds(103, 5, seed: 3).Select(f => f.Test));
        Assert.Throws<ArgumentException>(() => CrossValidation.Folds(3, 5, 1).ToList());
    }

    [Fact]
    public void Classifier_defaults_are_the_classifiers_own_and_a_cheap_trial_scores_the_whole_validation_split()
    {
        var t = new ClassifierTrainable(WorkbookPaths.Data("products", "flipkart-1050"), new ClassifyTaskOptions(Threads: 2));
        var shipped = new HierarchicalClassifierOptions();
        Assert.Equal(shipped with { Seed = 1, Threads = 2 }, t.ToOptions(t.Defaults));
        // The cheap corner CFO starts from really is cheaper: fewer epochs, no character n-grams, a smaller table.
        var cheap = t.ToOptions(t.Space.Initial());
        Assert.True(cheap.Epochs < shipped.Epochs && cheap.CharNgramMax == 0 && cheap.HashBits < shipped.HashBits);

        var small = t.Evaluate(t.Space.Initial(), 0.25, CancellationToken.None);
        var full = t.Evaluate(t.Space.Initial(), 1, CancellationToken.None);
        Assert.Equal(Math.Round(t.Split.Train.Count * 0.25), small.Values["train_products"]);
        Assert.Equal(t.Split.Train.Count, full.Values["train_products"]);
        Assert.InRange(small.Objective, 0.05, 1);
        Assert.True(full.Objective > small.Objective, $"4x the data should help: {small.Objective:F3} -> {full.Objective:F3}");
        Assert.Equal(full.Objective, t.Evaluate(t.Space.Initial(), 1, CancellationToken.None).Objective); // deterministic
        // Cross-fitted: every validation product scores the trial, and the per-product counts the paired bootstrap uses add up to it.
        var counts = t.ValidationCounts(t.Space.Initial(), CancellationToken.None);
        Assert.Equal(t.Split.Validation.Count, counts.Count);
        Assert.Equal(full.Objective, F1Counts.F1(counts.ToArray()), 12);
        // What the configuration costs, for an experiment's constraints.
        Assert.InRange(full.Values[ClassifierTrainable.PredictPerCpuSecond], 1_000, 10_000_000);
        Assert.InRange(full.Values[ClassifierTrainable.PeakMegabytes], 1, 100_000);
        Assert.False(small.Values.ContainsKey(ClassifierTrainable.PredictPerCpuSecond)); // timed at full budget only
    }

    [Fact]
    public void Catalogues_trials_keep_each_catalogues_metrics_under_its_name()
    {
        var t = new CataloguesClassifierTrainable(WorkbookPaths.Data("products"), new ClassifyCataloguesTaskOptions(["flipkart-1050"], Threads: 2));
        var m = t.Evaluate(t.Space.Initial(), 1, CancellationToken.None);
        Assert.Equal(m.Objective, m.Values["flipkart-1050_hf1"]);
        Assert.Equal(m.Values[ClassifierTrainable.PredictPerCpuSecond], m.Values["flipkart-1050_" + ClassifierTrainable.PredictPerCpuSecond]);
        Assert.Equal(m.Values["fit_seconds"], m.Values["flipkart-1050_fit_seconds"]);
        Assert.Equal(m.Values["micro_f1"], m.Values["flipkart-1050_micro_f1"]);
    }

    [Fact]
    public void Ranker_defaults_are_the_rankers_own()
    {
        var t = new RankerTrainable(WorkbookPaths.Data("ranking", "product_scoring.csv"), new RankTaskOptions(TuneSeeds: 2, TestSeeds: 2));
        Assert.Equal(new RankerOptions(), RankerTrainable.ToOptions(t.Defaults));
        var lower = t.Space.Parse("""{"prior_strength_scale":2,"impression_bands":3,"prior":"beta","category_pooling":"false","score":"lower","credible_level":0.8}""");
        Assert.Equal(new RankerOptions { PriorStrengthScale = 2, ImpressionBands = 3, Prior = PriorFamily.Beta, CategoryPooling = false, Score = ScoreKind.Lower, CredibleLevel = 0.8 },
            RankerTrainable.ToOptions(lower));
        var m = t.Evaluate(t.Defaults, 1, CancellationToken.None);
        Assert.InRange(m.Objective, 0.3, 1);
        Assert.Equal(2, m.Values["seeds"]);
    }
    [Fact]
    public void A_worker_may_run_its_trials_on_other_threads_and_gets_the_same_metrics()
    {
        var tasks = AutoMLTasks.Standard;
        var stored = tasks.NormaliseOptions("classify", """{"Threads":0}""");
        var one = tasks.WithThreads("classify", stored, 1);
        Assert.Equal(tasks.NormaliseOptions("classify", """{"Threads":1}"""), one);
        Assert.Equal(stored, tasks.NormaliseOptions("classify", """{"Threads":0}""")); // the stored options are not touched
        var data = WorkbookPaths.Data("products", "flipkart-1050");
        var cheap = tasks.Create("classify", data, one).Space.Initial();
        var single = tasks.Create("classify", data, one).Evaluate(cheap, 0.5, CancellationToken.None);
        var two = tasks.Create("classify", data, tasks.WithThreads("classify", stored, 2)).Evaluate(cheap, 0.5, CancellationToken.None);
        Assert.Equal(single.Objective, two.Objective);
        Assert.Equal(single.Values["hierarchical_precision"], two.Values["hierarchical_precision"]);

        Assert.True(tasks.HasThreads("classify-catalogues"));
        Assert.False(tasks.HasThreads("rank"));
        var e = Assert.Throws<ArgumentException>(() => tasks.WithThreads("rank", null, 1));
        Assert.Contains("Task 'rank' has no threads option", e.Message);
        Assert.Contains("classify, classify-catalogues", e.Message);
        Assert.Throws<ArgumentException>(() => tasks.WithThreads("classify", null, -1));
    }
}
