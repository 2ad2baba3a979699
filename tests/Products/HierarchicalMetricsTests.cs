using Workbook.Products;
using Workbook.Products.Classification;

namespace Workbook.Tests.Products;

public class HierarchicalMetricsTests
{
    private static (LabelTree Tree, Func<string[], IReadOnlySet<int>> Set) Small()
    {
        using var tmp = ProductTestData.Temp();
        var tree = LabelTree.Load(tmp.File("label_info.csv", ProductTestData.SmallTree));
        return (tree, names => names.Select(tree.IndexOf).ToHashSet());
    }

    [Fact]
    public void Hand_computed_example()
    {
        var (tree, set) = Small();
        // Product 1: right parent, wrong child. Product 2: predicted an unclosed wrong leaf.
        var gold = new[] { set(["A", "A1"]), set(["B", "B1"]) };
        var predicted = new[] { set(["A", "A2"]), set(["A1"]) };
        var r = HierarchicalMetrics.Evaluate(tree, gold, predicted);

        Assert.Equal(0, r.ExactMatch);
        // Flat: tp = {A}, fp = {A2, A1}, fn = {A1, B, B1}: P = 1/3, R = 1/4.
        Assert.Equal(1 / 3.0, r.MicroPrecision, 9);
        Assert.Equal(1 / 4.0, r.MicroRecall, 9);
        Assert.Equal(2 / 7.0, r.MicroF1, 9);
        // Labels A (F1 1), A1, A2, B, B1 (F1 0).
        Assert.Equal(0.2, r.MacroF1, 9);
        // Samples: 2*1/(2+2) and 0.
        Assert.Equal(0.25, r.SamplesF1, 9);
        // Kiritchenko: predicted {A1} extends to {A, A1}; 1 common label out of 4 predicted and 4 gold.
        Assert.Equal(0.25, r.HierarchicalPrecision, 9);
        Assert.Equal(0.25, r.HierarchicalRecall, 9);
        Assert.Equal(0.25, r.HierarchicalF1, 9);
        // Level 1: A right, B missed: P 1, R 1/2.
        Assert.Equal(2 / 3.0, r.Levels[0].F1, 9);
        Assert.Equal(0.5, r.Levels[0].ExactMatch, 9);
        var a1 = r.PerLabel.Single(l => l.Name == "A1");
        Assert.Equal((0.0, 0.0, 1, 1), (a1.Precision, a1.Recall, a1.Support, a1.PredictedCount));
        Assert.Contains(new ConfusedPair("A1", "A2", 2, 1), r.MostConfused);
        Assert.Contains(new ConfusedPair("B1", "A1", 2, 1), r.MostConfused);
    }

    [Fact]
    public void Hierarchical_F1_equals_micro_F1_on_closed_sets_and_credits_the_right_parent()
    {
        var (tree, set) = Small();
        var gold = new[] { set(["A", "A1"]) };
        var rightParent = HierarchicalMetrics.Evaluate(tree, gold, [set(["A", "A2"])]);
        var wrongBranch = HierarchicalMetrics.Evaluate(tree, gold, [set(["B", "B1"])]);
        Assert.Equal(rightParent.MicroF1, rightParent.HierarchicalF1, 12);
        Assert.Equal(0.5, rightParent.HierarchicalF1, 12);
        Assert.Equal(0, wrongBranch.HierarchicalF1);
        Assert.Equal(rightParent.ExactMatch, wrongBranch.ExactMatch); // exact match cannot tell them apart
    }

    [Fact]
    public void Perfect_prediction_scores_one_and_lengths_must_match()
    {
        var (tree, set) = Small();
        var gold = new[] { set(["A", "A1"]), set(["B"]) };
        var r = HierarchicalMetrics.Evaluate(tree, gold, gold);
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 1.0), (r.ExactMatch, r.MicroF1, r.MacroF1, r.SamplesF1, r.HierarchicalF1));
        Assert.Empty(r.MostConfused);
        Assert.Throws<ArgumentException>(() => HierarchicalMetrics.Evaluate(tree, gold, [gold[0]]));
    }
}
