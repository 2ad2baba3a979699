using System.Diagnostics;
using Workbook.Products.Classification.MLNet;

namespace Workbook.Products.Classification;

/// <summary>A misclassified test product, for error analysis.</summary>
public sealed record ErrorExample(string Id, string Name, string Gold, string Predicted, double Confidence, string Kind);

/// <summary>A peer (one of ML.NET's trainers) on the same split as the workbook's model.</summary>
public sealed record PeerResult(string Model, ClassificationReport Report, double ExactLevel2, double FitSeconds);

/// <summary>The workbook's model, the starter baseline (ML.NET's) and ML.NET's peers on one catalogue's test split.</summary>
public sealed record StudyResult(
    string Dataset, int Labels, int TrainProducts, int TestProducts, double FitSeconds, double StarterFitSeconds,
    ClassificationReport Model, ClassificationReport Starter, double StarterExactLevel2, double ModelExactLevel2,
    IReadOnlyList<ErrorExample> Errors, IReadOnlyDictionary<string, ClassificationReport> TunedFor, IReadOnlyList<PeerResult>? Peers = null)
{
    /// <summary>The starter's line, the peers', then the workbook model's.</summary>
    public IReadOnlyList<ComparisonRow> Comparison() =>
    [
        Row(StarterName, Starter, StarterExactLevel2, StarterFitSeconds),
        .. (Peers ?? []).Select(p => Row(p.Model, p.Report, p.ExactLevel2, p.FitSeconds)),
        Row("workbook", Model, ModelExactLevel2, FitSeconds),
    ];

    /// <summary>The starter's model name in <see cref="Comparison"/>.</summary>
    public const string StarterName = "starter (draft.py, ML.NET)";

    public IReadOnlyList<TunedForRow> Tuned() => TunedFor.Select(kv => new TunedForRow(Dataset, kv.Key, kv.Value.ExactMatch,
        kv.Value.HierarchicalF1, kv.Value.HierarchicalPrecision, kv.Value.HierarchicalRecall, kv.Value.SamplesF1)).ToList();

    private ComparisonRow Row(string model, ClassificationReport r, double exactLevel2, double fitSeconds) => new(Dataset, model,
        Labels, TrainProducts, TestProducts, exactLevel2, r.ExactMatch, r.HierarchicalF1, r.MicroF1, r.MacroF1, r.SamplesF1, fitSeconds);
}

/// <summary>One model's line in notebook 02's comparison table (the starter's or the workbook's, on one catalogue).</summary>
public sealed record ComparisonRow(string Catalogue, string Model, int Labels, int TrainProducts, int TestProducts, double ExactMatchLevel2,
    double ExactMatch, double HierarchicalF1, double MicroF1, double MacroF1, double SamplesF1, double FitSeconds);

/// <summary>The model with its decoder re-tuned on validation for one metric, scored on test.</summary>
public sealed record TunedForRow(string Catalogue, string TunedFor, double ExactMatch, double HierarchicalF1,
    double HierarchicalPrecision, double HierarchicalRecall, double SamplesF1);

/// <summary>
/// What notebook 02 shows: per catalogue, the starter baseline (draft.py as ML.NET trains it), ML.NET's per-node
/// trainers (<paramref name="peers"/>, none by default) and the workbook's model trained on the same 80/10/10
/// split (train capped at <c>maxTrain</c> products so the study stays a matter of seconds), the full reports, error
/// examples, and the model's decoder re-tuned for each candidate metric (the evidence for which metric to steer by).
/// It caches nothing: <see cref="Workbook.Make.ClassifierTargets"/> runs it once per catalogue into data/derived/.
/// </summary>
public static class ClassifierStudy
{
    /// <param name="folder">A catalogue folder (data.csv and label_info.csv); its name is the result's Dataset.</param>
    /// <param name="peers">ML.NET trainers to run beside the model on the same training products (bench classify's names).</param>
    public static StudyResult Run(string folder, int maxTrain, int seed, IReadOnlyDictionary<string, MLNetClassifierOptions>? peers = null)
    {
        var catalog = ProductCatalog.LoadFolder(folder);
        var options = new HierarchicalClassifierOptions { Seed = seed };
        var split = ProductSplit.Create(catalog, seed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
        var train = split.Train.Take(maxTrain).ToList();
        var tree = catalog.Labels;
        var gold = split.Test.Select(p => p.Labels).ToList();

        var watch = Stopwatch.StartNew();
        var model = new HierarchicalClassifier(options).Fit(train, tree, split.Validation);
        var fit = watch.Elapsed.TotalSeconds;
        var predictions = model.Predict(split.Test);
        var report = HierarchicalMetrics.Evaluate(tree, gold, predictions.Select(p => p.Labels).ToList());

        watch.Restart();
        var starter = new MLNetStarterBaseline().Fit(train, tree);
        var starterFit = watch.Elapsed.TotalSeconds;
        var starterPredicted = starter.Predict(split.Test);
        var starterReport = HierarchicalMetrics.Evaluate(tree, gold, starterPredicted.Select(s => (IReadOnlySet<int>)tree.Closure(s)).ToList());

        double ExactLevel2(IReadOnlyList<IReadOnlySet<int>> predicted) => ExactLevel2Of(tree, split.Test, predicted);

        var peerResults = Peers(split, train, tree, seed, peers);

        var errors = split.Test.Select((p, i) => (p, pred: predictions[i])).Where(t => !t.p.Labels.SetEquals(t.pred.Labels)).Select(t =>
        {
            var kind = t.pred.Labels.Where(l => tree.Level(l) == 1).ToHashSet().SetEquals(t.p.Labels.Where(l => tree.Level(l) == 1))
                ? "right top level, wrong below" : "wrong top level";
            if (t.pred.Labels.IsProperSubsetOf(t.p.Labels)) kind = "too shallow / missing path";
            else if (t.p.Labels.IsProperSubsetOf(t.pred.Labels)) kind = "extra labels";
            return new ErrorExample(t.p.Id, t.p.Name.Length > 90 ? t.p.Name[..90] + "…" : t.p.Name, LabelPath(tree, t.p.Labels), LabelPath(tree, t.pred.Labels),
                t.pred.Labels.Select(t.pred.Probability).DefaultIfEmpty(0).Min(), kind);
        }).OrderByDescending(e => e.Confidence).ToList();

        var tuned = new Dictionary<string, ClassificationReport>();
        foreach (var metric in Enum.GetValues<ThresholdMetric>())
        {
            var retuned = model.TuneDecoder(split.Validation, metric);
            tuned[metric.ToString()] = HierarchicalMetrics.Evaluate(tree, gold, retuned.Predict(split.Test).Select(p => p.Labels).ToList());
        }

        return new StudyResult(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), tree.Count, train.Count, split.Test.Count,
            fit, starterFit, report, starterReport, ExactLevel2(starterPredicted), ExactLevel2(predictions.Select(p => p.Labels).ToList()),
            errors.Take(40).ToList(), tuned, peerResults);
    }

    /// <summary>
    /// ML.NET's per-node trainers alone on the study's split and capped training products (<see cref="Run"/>'s), as
    /// comparison rows: the expensive part of the comparison, a target of its own that notebook 02 shows when it is built.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> RunPeers(string folder, int maxTrain, int seed, IReadOnlyDictionary<string, MLNetClassifierOptions> peers)
    {
        var catalog = ProductCatalog.LoadFolder(folder);
        var split = ProductSplit.Create(catalog, seed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
        var train = split.Train.Take(maxTrain).ToList();
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return Peers(split, train, catalog.Labels, seed, peers).Select(p => new ComparisonRow(name, p.Model, catalog.Labels.Count, train.Count,
            split.Test.Count, p.ExactLevel2, p.Report.ExactMatch, p.Report.HierarchicalF1, p.Report.MicroF1, p.Report.MacroF1, p.Report.SamplesF1,
            p.FitSeconds)).ToList();
    }

    private static List<PeerResult> Peers(ProductSplit split, IReadOnlyList<Product> train, LabelTree tree, int seed,
        IReadOnlyDictionary<string, MLNetClassifierOptions>? peers)
    {
        var gold = split.Test.Select(p => p.Labels).ToList();
        var results = new List<PeerResult>();
        foreach (var peer in (peers ?? new Dictionary<string, MLNetClassifierOptions>()).Values)
        {
            var watch = Stopwatch.StartNew();
            var model = new MLNetHierarchicalClassifier(peer with { Seed = seed }).Fit(train, tree);
            var fit = watch.Elapsed.TotalSeconds;
            var predicted = model.Predict(split.Test);
            results.Add(new PeerResult("ML.NET " + peer.Name, HierarchicalMetrics.Evaluate(tree, gold, predicted), ExactLevel2Of(tree, split.Test, predicted), fit));
        }
        return results;
    }

    private static double ExactLevel2Of(LabelTree tree, IReadOnlyList<Product> test, IReadOnlyList<IReadOnlySet<int>> predicted) => test.Select((p, i) =>
        p.Labels.Where(l => tree.Level(l) == 2).ToHashSet().SetEquals(predicted[i].Where(l => tree.Level(l) == 2)) ? 1.0 : 0.0).Average();

    /// <summary>Labels as "level1 > level2 > level3" paths, several paths joined by " | ".</summary>
    public static string LabelPath(LabelTree tree, IReadOnlySet<int> labels)
    {
        var leaves = labels.Where(l => !tree.Children(l).Any(labels.Contains)).OrderBy(l => l);
        return string.Join(" | ", leaves.Select(l => string.Join(" > ", tree.Ancestors(l).Reverse().Append(l).Select(tree.Name))));
    }
}
