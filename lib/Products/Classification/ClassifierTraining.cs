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

    public sealed record TrainResult(HierarchicalClassifierModel Model, ProductSplit Split, TimeSpan FitTime, ClassificationReport Test);

    /// <summary>Splits the catalogue 80/10/10 by <paramref name="seed"/>, trains, tunes on validation, scores the test part.</summary>
    public static TrainResult Train(ProductCatalog catalog, HierarchicalClassifierOptions options, CancellationToken cancel = default)
    {
        var split = ProductSplit.Create(catalog, options.Seed, TrainFraction, ValidationFraction);
        var watch = Stopwatch.StartNew();
        var model = new HierarchicalClassifier(options).Fit(split.Train, catalog.Labels, split.Validation, cancel);
        watch.Stop();
        model = model.WithMetadata(new Dictionary<string, string>
        {
            ["split_seed"] = options.Seed.ToString(),
            ["data_sha256"] = FileHash.Of(catalog.DataPath).Sha256,
            ["data_path"] = Path.GetFullPath(catalog.DataPath),
            ["labels_path"] = Path.GetFullPath(catalog.LabelInfoPath),
            ["train_products"] = split.Train.Count.ToString(),
        });
        return new TrainResult(model, split, watch.Elapsed, Evaluate(model, split.Test));
    }

    /// <summary>Products to score: the model's own test part when the catalogue is its training data, else every labelled product.</summary>
    public static (IReadOnlyList<Product> Products, string Description) EvaluationSet(HierarchicalClassifierModel model, ProductCatalog catalog)
    {
        if (model.Metadata.TryGetValue("data_sha256", out var sha) && sha == FileHash.Of(catalog.DataPath).Sha256
            && int.TryParse(model.Metadata.GetValueOrDefault("split_seed"), out var seed))
            return (ProductSplit.Create(catalog, seed, TrainFraction, ValidationFraction).Test, $"held-out test part of the training split (seed {seed})");
        return (catalog.Labelled, "every labelled product (not the model's training data)");
    }

    public static ClassificationReport Evaluate(HierarchicalClassifierModel model, IReadOnlyList<Product> products)
    {
        var predicted = model.Predict(products);
        return HierarchicalMetrics.Evaluate(model.Tree, products.Select(p => p.Labels).ToList(), predicted.Select(p => p.Labels).ToList());
    }
}
