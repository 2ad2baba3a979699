using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workbook.Products.Classification.Peers;

namespace Workbook.Products.Classification;

/// <summary>One model's numbers on one catalogue's fixed 80/20 split (the peers' file: <c>bench classify-split --peers-out</c>).</summary>
public sealed record FixedSplitRow(string Catalogue, string Model, double HierarchicalF1, double MicroF1, int Orphans, int TrainProducts,
    int TestProducts, double FitSeconds, double TrainCpuSeconds, double PeakMegabytes, double PredictPerSecond, string Source);

/// <summary>
/// `bench classify-split`: the comparison a reviewer makes. Each catalogue's fixed 80/20 split
/// (<see cref="ClassifierTraining.FixedSplit"/>); the workbook's model trained as <c>classify train</c> trains it (every
/// product of the training part, thresholds cross-fitted: <see cref="HierarchicalClassifier.FitAll"/>), or, with
/// <c>holdout</c>, as it trained before (80% of the training part, thresholds on 10%); the peers on the same products:
/// TF-IDF + one-vs-rest logistic regression (scikit-learn, Debian's python3-sklearn; three decodings) and fastText
/// (Debian's fasttext, -loss ova). One evaluator for all (<see cref="HierarchicalMetrics"/>): micro-F1 on the label sets
/// as predicted, hierarchical F1 on their closures under ancestors.
/// </summary>
public static class FixedSplitBenchmark
{
    public static readonly IReadOnlyList<string> Models = ["workbook", "holdout", "tfidf-lr", "fasttext"];

    public static IReadOnlyList<FixedSplitRow> Run(IReadOnlyList<string> folders, IReadOnlyCollection<string> models, double c, TextWriter log,
        CancellationToken cancel = default, HierarchicalClassifierOptions? classifier = null)
    {
        foreach (var m in models) if (!Models.Contains(m)) throw new ArgumentException($"Unknown model '{m}'; known: {string.Join(", ", Models)}.");
        var rows = new List<FixedSplitRow>();
        var threads = Math.Min(2, Environment.ProcessorCount);
        var measured = $"bench classify-split, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {MachineLoad.Now()}";
        foreach (var folder in folders)
        {
            var catalogue = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
            var catalog = ProductCatalog.LoadFolder(folder);
            var split = ClassifierTraining.FixedSplit(catalog);
            var tree = catalog.Labels;
            var gold = split.Test.Select(p => p.Labels).ToList();
            var trainCount = split.Train.Count(p => p.Labels.Count > 0);
            log.WriteLine($"== {catalogue}: {trainCount} train / {split.Test.Count} test products (fixed 80/20), {tree.Count} labels; load {MachineLoad.Now()}");
            FixedSplitRow Row(string model, IReadOnlyList<IReadOnlySet<int>> predicted, double train, double trainCpu, long peak, double predictSeconds)
            {
                var r = HierarchicalMetrics.Evaluate(tree, gold, predicted);
                var row = new FixedSplitRow(catalogue, model, r.HierarchicalF1, r.MicroF1, ClassifierTraining.OrphanLabels(tree, predicted), trainCount,
                    split.Test.Count, train, trainCpu, peak / 1048576.0, predictSeconds > 0 ? split.Test.Count / predictSeconds : double.NaN, measured);
                log.WriteLine($"   {model,-34} hF1 {row.HierarchicalF1:0.0000}  micro-F1 {row.MicroF1:0.0000}  orphans {row.Orphans,5}  " +
                              $"train {train,7:0.0} s (cpu {trainCpu,7:0.0} s)  peak {row.PeakMegabytes,6:0} MB  predict {row.PredictPerSecond,8:0} /s");
                rows.Add(row);
                return row;
            }

            foreach (var mode in new[] { "workbook", "holdout" }.Where(models.Contains))
            {
                var options = (classifier ?? new HierarchicalClassifierOptions()) with { Threads = threads };
                PeakMemory.Reset();
                var watch = Stopwatch.StartNew();
                var cpu = CpuStopwatch.StartNew();
                HierarchicalClassifierModel model;
                ClassificationReport? crossFitted = null;
                // Exactly `classify train` on the 80% as a folder (the same shuffle of the products before the folds).
                if (mode == "workbook") (model, crossFitted) = ClassifierTraining.Train(catalog.Subset(split.Train), options, 0, cancel) is var r ? (r.Model, r.CrossFitted) : default;
                else
                {
                    // The CLI before: 80% of the training file, thresholds on 10%, 10% scored and thrown away.
                    var shuffled = split.Train.Where(p => p.Labels.Count > 0).ToArray();
                    new Random(options.Seed).Shuffle(shuffled);
                    int nTrain = (int)Math.Round(shuffled.Length * 0.8), nValid = (int)Math.Round(shuffled.Length * 0.1);
                    model = new HierarchicalClassifier(options).Fit(shuffled[..nTrain], tree, shuffled[nTrain..(nTrain + nValid)], cancel);
                }
                var (train, trainCpu) = (watch.Elapsed.TotalSeconds, cpu.Elapsed.TotalSeconds);
                var (runs, predicted) = PredictionBenchmark.Time(model, split.Test, repeat: 3);
                Row(mode == "workbook" ? "workbook (classify train)" : "workbook, 80% + thresholds on 10%", predicted.Select(p => p.Labels).ToList(),
                    train, trainCpu, PeakMemory.Read(), PredictionBenchmark.Median(runs).Seconds);
                // The training part's own score, to choose variants by without looking at the test part: out-of-fold
                // products of the threshold folds (optimistic: the thresholds were tuned on them).
                if (crossFitted is not null)
                    log.WriteLine($"   {"",-34} inner (out-of-fold) hF1 {crossFitted.HierarchicalF1:0.0000}; {model.Options.Loss} nodes, " +
                                  $"{(model.Decoder.PathBySum ? "sum" : "greedy")} path");
            }

            var work = Path.Combine(Path.GetTempPath(), $"workbook-split-{catalogue}-{Environment.ProcessId}");
            try
            {
                if (models.Contains("tfidf-lr") && !SklearnPeer.Available) log.WriteLine($"   tfidf-lr: {SklearnPeer.Python} cannot import sklearn, skipped");
                else if (models.Contains("tfidf-lr"))
                {
                    Directory.CreateDirectory(work);
                    var trainIds = Path.Combine(work, "train_ids.txt");
                    var testIds = Path.Combine(work, "test_ids.txt");
                    var output = Path.Combine(work, "tfidf_lr.tsv");
                    File.WriteAllLines(trainIds, split.Train.Where(p => p.Labels.Count > 0).Select(p => p.Id));
                    File.WriteAllLines(testIds, split.Test.Select(p => p.Id));
                    var run = PeerProcess.Run(SklearnPeer.Python, [TfIdfScript, catalog.DataPath, catalog.LabelInfoPath, trainIds, testIds, output,
                        c.ToString(CultureInfo.InvariantCulture)], cancel);
                    var json = JsonDocument.Parse(run.Stdout.Trim().Split('\n')[^1]).RootElement;
                    foreach (var decoding in File.ReadLines(output).Select(l => l.Split('\t')).GroupBy(f => f[0]))
                    {
                        var predicted = decoding.Select(f => (IReadOnlySet<int>)f[2].Split('|', StringSplitOptions.RemoveEmptyEntries).Select(tree.IndexOf).ToHashSet()).ToList();
                        Row($"TF-IDF 1-2g + OvR LR (C={c}), {decoding.Key}", predicted, json.GetProperty("fit_seconds").GetDouble(), run.CpuSeconds,
                            run.PeakBytes, json.GetProperty("predict_seconds").GetDouble());
                    }
                }
                if (models.Contains("fasttext") && !FastTextPeer.Available) log.WriteLine($"   fasttext: {FastTextPeer.Binary} not installed, skipped");
                else if (models.Contains("fasttext"))
                {
                    var ft = new FastTextPeer(work, threads).Run(tree, split.Train.Where(p => p.Labels.Count > 0).ToList(), split.Test, cancel);
                    Row("fastText -loss ova, >= 0.5 or top-1", ft.Predicted, ft.TrainSeconds, ft.TrainCpuSeconds, ft.PeakBytes, ft.PredictSeconds);
                }
            }
            finally
            {
                if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            }
            var ours = rows.FirstOrDefault(r => r.Catalogue == catalogue && r.Model.StartsWith("workbook (", StringComparison.Ordinal));
            var peers = rows.Where(r => r.Catalogue == catalogue && !r.Model.StartsWith("workbook", StringComparison.Ordinal)).ToList();
            if (ours != null && peers.Count > 0)
            {
                var bestH = peers.MaxBy(r => r.HierarchicalF1)!;
                var bestM = peers.MaxBy(r => r.MicroF1)!;
                log.WriteLine($"   workbook vs best peer: hF1 {ours.HierarchicalF1 - bestH.HierarchicalF1:+0.0000;-0.0000} ({bestH.Model})  " +
                              $"micro-F1 {ours.MicroF1 - bestM.MicroF1:+0.0000;-0.0000} ({bestM.Model})");
            }
        }
        return rows;
    }

    private static string TfIdfScript => Path.Combine(AppContext.BaseDirectory, "Products", "Classification", "Peers", "tfidf_lr_peers.py");
}
