using System.Diagnostics;
using Workbook.Reports;

namespace Workbook.Products.Classification;

/// <summary>
/// The train / evaluate steps of the CLI, in the lib so notebooks and the AutoML engineer can call them: a model
/// remembers its split seed and the hash of its data, so evaluating on the same catalogue scores the held-out test
/// part only, never products it was trained on.
/// </summary>
public static class ClassifierTraining
{
    public const double TrainFraction = 0.8, ValidationFraction = 0.1;

    /// <param name="Test">The held-out test part's report; null when nothing was held out.</param>
    /// <param name="CrossFitted">The decoder's score on the out-of-fold products its thresholds were tuned on (optimistic); null for tiny catalogues.</param>
    public sealed record TrainResult(HierarchicalClassifierModel Model, ProductSplit Split, TimeSpan FitTime, ClassificationReport? Test,
        ClassificationReport? CrossFitted = null);

    /// <summary>
    /// `classify train`: holds out <paramref name="testFraction"/> of the labelled products (by <c>options.Seed</c>;
    /// 0 holds out nothing), fits on all the rest with cross-fitted thresholds (<see cref="HierarchicalClassifier.FitAll"/>),
    /// scores the held-out part.
    /// </summary>
    public static TrainResult Train(ProductCatalog catalog, HierarchicalClassifierOptions options, double testFraction = 0, CancellationToken cancel = default)
    {
        if (testFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), $"Test fraction {testFraction} must be in [0, 1).");
        var split = ProductSplit.Create(catalog, options.Seed, 1 - testFraction, 0);
        var watch = Stopwatch.StartNew();
        var model = new HierarchicalClassifier(options).FitAll(split.Train, catalog.Labels, out var crossFitted, cancel);
        watch.Stop();
        model = model.WithMetadata(new Dictionary<string, string>
        {
            ["split_seed"] = options.Seed.ToString(),
            ["test_fraction"] = testFraction.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["data_sha256"] = FileHash.Of(catalog.DataPath).Sha256,
            ["data_path"] = Path.GetFullPath(catalog.DataPath),
            ["labels_path"] = Path.GetFullPath(catalog.LabelInfoPath),
            ["train_products"] = split.Train.Count.ToString(),
        });
        return new TrainResult(model, split, watch.Elapsed, split.Test.Count > 0 ? Evaluate(model, split.Test) : null, crossFitted);
    }

    /// <summary>
    /// Products to score: the model's own held-out part when the catalogue is its training data (every labelled
    /// product, said to be its training data, when it held none out), else every labelled product.
    /// </summary>
    public static (IReadOnlyList<Product> Products, string Description) EvaluationSet(HierarchicalClassifierModel model, ProductCatalog catalog)
    {
        if (model.Metadata.TryGetValue("data_sha256", out var sha) && sha == FileHash.Of(catalog.DataPath).Sha256
            && int.TryParse(model.Metadata.GetValueOrDefault("split_seed"), out var seed))
        {
            // Models from before test_fraction was recorded split 80/10/10.
            if (!model.Metadata.TryGetValue("test_fraction", out var text))
                return (ProductSplit.Create(catalog, seed, TrainFraction, ValidationFraction).Test, $"held-out test part of the training split (seed {seed})");
            var testFraction = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (testFraction > 0)
                return (ProductSplit.Create(catalog, seed, 1 - testFraction, 0).Test, $"held-out test part of the training split (seed {seed}, {testFraction:0.##} held out)");
            return (catalog.Labelled, "every labelled product: the model's own training data (it held none out), so the scores are optimistic");
        }
        return (catalog.Labelled, "every labelled product (not the model's training data)");
    }

    /// <summary>
    /// The fixed split the classifier is compared with its peers on: the starter's 80/20 (<see cref="ProductSplit.Starter"/>,
    /// scikit-learn's <c>train_test_split</c> with seed 112358 over the file's rows), train as given (unlabelled rows are
    /// skipped by training), test its labelled products.
    /// </summary>
    public static ProductSplit FixedSplit(ProductCatalog catalog)
    {
        var split = ProductSplit.Starter(catalog);
        return split with { Test = split.Test.Where(p => p.Labels.Count > 0).ToList() };
    }

    /// <summary>Predicted labels whose parent is not predicted with them (0 for a hierarchy-consistent output).</summary>
    public static int OrphanLabels(LabelTree tree, IEnumerable<IReadOnlySet<int>> predicted) =>
        predicted.Sum(set => set.Count(l => tree.Parent(l) >= 0 && !set.Contains(tree.Parent(l))));

    public static ClassificationReport Evaluate(HierarchicalClassifierModel model, IReadOnlyList<Product> products)
    {
        var predicted = model.Predict(products);
        return HierarchicalMetrics.Evaluate(model.Tree, products.Select(p => p.Labels).ToList(), predicted.Select(p => p.Labels).ToList());
    }
}
