using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Products.Classification.MLNet;
using Workbook.Tests.Products;

namespace Workbook.Tests.MLNet;

/// <summary>ML.NET's starter baseline and a per-node trainer on flipkart-1050: better than the majority, consistent with the tree.</summary>
public sealed class MLNetClassifierTests
{
    private static string Level2(LabelTree tree, Product p) => string.Join(",", p.Labels.Where(l => tree.Level(l) == 2).Order());

    [Fact]
    public void Starter_baseline_beats_majority_on_draft_split()
    {
        var catalog = ProductTestData.Flipkart;
        var tree = catalog.Labels;
        var split = ProductSplit.Starter(catalog);
        var model = new MLNetStarterBaseline(threads: 2).Fit(split.Train, tree);
        var accuracy = model.ExactMatchAccuracy(split.Test);
        var majority = split.Train.GroupBy(p => Level2(tree, p)).MaxBy(g => g.Count())!.Key;
        var majorityAccuracy = split.Test.Count(p => Level2(tree, p) == majority) / (double)split.Test.Count;
        Assert.True(accuracy > majorityAccuracy + 0.2, $"starter {accuracy:0.000} vs majority {majorityAccuracy:0.000}");
        // Predictions are level-2 labels only (draft.py predicts nothing else).
        Assert.All(model.Predict(split.Test).SelectMany(s => s), l => Assert.Equal(2, tree.Level(l)));
        var report = HierarchicalMetrics.Evaluate(tree, split.Test.Select(p => p.Labels).ToList(), model.PredictClosed(split.Test));
        Assert.InRange(report.HierarchicalF1, 0.5, 1.0);
    }

    [Fact]
    public void Per_node_lbfgs_predicts_one_consistent_path_and_beats_majority()
    {
        var catalog = ProductTestData.Flipkart;
        var tree = catalog.Labels;
        var split = ProductSplit.Create(catalog, 1, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
        var model = new MLNetHierarchicalClassifier(new MLNetClassifierOptions { Threads = 2 }).Fit(split.Train, tree);
        var predicted = model.Predict(split.Test);
        Assert.Equal(split.Test.Count, predicted.Count);
        foreach (var set in predicted)
        {
            // One path: closed under ancestors, exactly one label at level 1, at most one per level.
            Assert.All(set, l => Assert.True(tree.Parent(l) < 0 || set.Contains(tree.Parent(l)), $"{tree.Name(l)} without its parent"));
            Assert.Single(set, l => tree.Level(l) == 1);
            Assert.All(set.GroupBy(tree.Level), g => Assert.Single(g));
        }
        var gold = split.Test.Select(p => p.Labels).ToList();
        var report = HierarchicalMetrics.Evaluate(tree, gold, predicted);
        // The majority path of the training products, predicted for every test product.
        var majority = split.Train.GroupBy(p => string.Join(",", p.Labels.Order())).MaxBy(g => g.Count())!.First().Labels;
        var trivial = HierarchicalMetrics.Evaluate(tree, gold, split.Test.Select(_ => majority).ToList());
        Assert.True(report.HierarchicalF1 > trivial.HierarchicalF1 + 0.3, $"hF1 {report.HierarchicalF1:0.000} vs majority {trivial.HierarchicalF1:0.000}");

        // The saved file holds the manifest, the featurizer and one ML.NET model per trained node.
        using var temp = ProductTestData.Temp();
        var path = temp.File("model.zip");
        model.Save(path);
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("manifest.json", entries);
        Assert.Contains("featurizer.zip", entries);
        Assert.Contains("node-1.zip", entries); // the root
        Assert.Equal(model.Models, entries.Count(e => e.StartsWith("node")));
    }
}
