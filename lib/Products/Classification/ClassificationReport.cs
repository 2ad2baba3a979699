namespace Workbook.Products.Classification;

/// <summary>Precision, recall, F1 and gold support of one label.</summary>
public sealed record LabelScore(int Label, string Name, int Level, double Precision, double Recall, double F1, int Support, int PredictedCount);

/// <summary>Micro-averaged F1 of the labels of one level.</summary>
public sealed record LevelScore(int Level, double Precision, double Recall, double F1, double MacroF1, double ExactMatch);

/// <summary>A gold label the model replaced by another label of the same level, and how often.</summary>
public sealed record ConfusedPair(string Gold, string Predicted, int Level, int Count);

/// <summary>
/// Every metric of a hierarchical multi-label prediction. Flat metrics use the sets as given; the hierarchical ones
/// extend both sets with ancestors first (Kiritchenko et al.), so a wrong leaf under the right parent earns partial
/// credit. When both sets are already ancestor-closed, HierarchicalF1 equals MicroF1.
/// </summary>
public sealed record ClassificationReport(
    int Products,
    double ExactMatch,
    double MicroPrecision,
    double MicroRecall,
    double MicroF1,
    double MacroF1,
    double SamplesF1,
    double HierarchicalPrecision,
    double HierarchicalRecall,
    double HierarchicalF1,
    IReadOnlyList<LevelScore> Levels,
    IReadOnlyList<LabelScore> PerLabel,
    IReadOnlyList<ConfusedPair> MostConfused)
{
    /// <summary>The headline numbers as (metric, value) rows, for tables.</summary>
    public IReadOnlyList<(string Metric, double Value)> Summary() =>
    [
        ("exact match", ExactMatch), ("micro F1", MicroF1), ("macro F1", MacroF1), ("samples F1", SamplesF1),
        ("hierarchical P", HierarchicalPrecision), ("hierarchical R", HierarchicalRecall), ("hierarchical F1", HierarchicalF1),
        .. Levels.Select(l => ($"level {l.Level} F1", l.F1)),
    ];
}
