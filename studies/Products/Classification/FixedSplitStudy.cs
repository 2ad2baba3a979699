using System.Diagnostics;
using Workbook.Reports;

namespace Workbook.Products.Classification;

/// <summary>One model's scores on a catalogue's fixed 80/20 split: the workbook's (measured by the target) or a peer's (recorded).</summary>
public sealed record FixedSplitResult(string Catalogue, string Model, double HierarchicalF1, double MicroF1, int Orphans, int TrainProducts,
    int TestProducts, double FitSeconds, string Source);

/// <summary>
/// The comparison a reviewer makes (issue 17): on each catalogue's fixed 80/20 split (<see cref="ClassifierTraining.FixedSplit"/>)
/// the workbook's model trained as <c>classify train</c> trains it, on every product of the training part, scored on the
/// 20%, beside the peers' recorded rows (<c>fixed-split-peers.json</c> in this folder: their programs, scikit-learn
/// and fastText, are not part of a fresh clone; <c>bench classify-split</c> measures them again).
/// </summary>
public static class FixedSplitStudy
{
    /// <summary>The recorded peers, repository-relative.</summary>
    public const string PeersFile = "studies/Products/Classification/fixed-split-peers.json";

    public static IReadOnlyList<FixedSplitResult> Run(string folder, string peersFile)
    {
        var catalog = ProductCatalog.LoadFolder(folder);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        var split = ClassifierTraining.FixedSplit(catalog);
        var watch = Stopwatch.StartNew();
        // Exactly `classify train` on the 80% as a folder: the same call, so the same shuffle of the products (the
        // training order moves flipkart's 210 test products by about 0.01).
        var model = ClassifierTraining.Train(catalog.Subset(split.Train), new HierarchicalClassifierOptions()).Model;
        var fit = watch.Elapsed.TotalSeconds;
        var predicted = model.Predict(split.Test).Select(p => p.Labels).ToList();
        var report = HierarchicalMetrics.Evaluate(catalog.Labels, split.Test.Select(p => p.Labels).ToList(), predicted);
        var ours = new FixedSplitResult(name, "workbook (classify train)", report.HierarchicalF1, report.MicroF1,
            ClassifierTraining.OrphanLabels(catalog.Labels, predicted), split.Train.Count(p => p.Labels.Count > 0), split.Test.Count, fit, "this target");
        var peers = Artifact.Read<List<FixedSplitResult>>(peersFile).Where(r => r.Catalogue == name);
        return [ours, .. peers];
    }
}
