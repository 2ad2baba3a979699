using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workbook.Reports;

namespace Workbook.Products.Classification;

/// <summary>A misclassified test product, for error analysis.</summary>
public sealed record ErrorExample(string Id, string Name, string Gold, string Predicted, double Confidence, string Kind);

/// <summary>The workbook's model and the starter baseline on one catalogue's test split.</summary>
public sealed record StudyResult(
    string Dataset, int TrainProducts, int TestProducts, double FitSeconds, double StarterFitSeconds,
    ClassificationReport Model, ClassificationReport Starter, double StarterExactLevel2, double ModelExactLevel2,
    IReadOnlyList<ErrorExample> Errors, IReadOnlyDictionary<string, ClassificationReport> TunedFor, bool FromCache);

/// <summary>
/// What notebook 02 shows: per catalogue, the starter baseline and the workbook's model trained on the same 80/10/10
/// split (train capped at <c>maxTrain</c> products so the notebook renders quickly), the full reports, error
/// examples, and the model's decoder re-tuned for each candidate metric (the evidence for which metric to steer by).
/// Results are cached in data/derived/ keyed by the data hash, the settings and <see cref="Version"/>.
/// </summary>
public static class ClassifierStudy
{
    public const int Version = 2; // 2: int8 prediction tables, first-seen feature order

    public static StudyResult Run(string dataset, int maxTrain = 20000, int seed = 1, bool useCache = true)
    {
        var catalog = ProductCatalog.LoadFolder(WorkbookPaths.Data("products", dataset));
        var options = new HierarchicalClassifierOptions { Seed = seed };
        var key = Key(catalog, options, maxTrain);
        var cacheFile = WorkbookPaths.Data("derived", "classifier-study", $"{dataset}-{key}.json");
        if (useCache && File.Exists(cacheFile))
        {
            var cached = JsonSerializer.Deserialize<StudyResult>(File.ReadAllText(cacheFile));
            if (cached != null) return cached with { FromCache = true };
        }
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
        var starter = new StarterBaseline().Fit(train, tree);
        var starterFit = watch.Elapsed.TotalSeconds;
        var starterPredicted = starter.Predict(split.Test);
        var starterReport = HierarchicalMetrics.Evaluate(tree, gold, starterPredicted.Select(s => (IReadOnlySet<int>)tree.Closure(s)).ToList());

        double ExactLevel2(IReadOnlyList<IReadOnlySet<int>> predicted) => split.Test.Select((p, i) =>
            p.Labels.Where(l => tree.Level(l) == 2).ToHashSet().SetEquals(predicted[i].Where(l => tree.Level(l) == 2)) ? 1.0 : 0.0).Average();

        var errors = split.Test.Select((p, i) => (p, pred: predictions[i])).Where(t => !t.p.Labels.SetEquals(t.pred.Labels)).Select(t =>
        {
            var deepestGold = t.p.Labels.OrderByDescending(tree.Level).ThenBy(l => l).ToList();
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

        var result = new StudyResult(dataset, train.Count, split.Test.Count, fit, starterFit, report, starterReport,
            ExactLevel2(starterPredicted), ExactLevel2(predictions.Select(p => p.Labels).ToList()), errors.Take(40).ToList(), tuned, false);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(cacheFile)!);
        var temp = cacheFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(result));
        File.Move(temp, cacheFile, overwrite: true);
        return result;
    }

    /// <summary>Labels as "level1 > level2 > level3" paths, several paths joined by " | ".</summary>
    public static string LabelPath(LabelTree tree, IReadOnlySet<int> labels)
    {
        var leaves = labels.Where(l => !tree.Children(l).Any(labels.Contains)).OrderBy(l => l);
        return string.Join(" | ", leaves.Select(l => string.Join(" > ", tree.Ancestors(l).Reverse().Append(l).Select(tree.Name))));
    }

    private static string Key(ProductCatalog catalog, HierarchicalClassifierOptions options, int maxTrain)
    {
        var text = $"{Version}|{FileHash.Of(catalog.DataPath).Sha256}|{FileHash.Of(catalog.LabelInfoPath).Sha256}|{options with { Threads = 0 }}|{maxTrain}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
