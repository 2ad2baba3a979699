using System.Diagnostics;
using System.Globalization;
using Workbook.Products.Classification.Peers;

namespace Workbook.Products.Classification;

/// <summary>One model's numbers on one catalogue's test split.</summary>
public sealed record BenchmarkRow(
    string Dataset, string Model, double TrainSeconds, double TrainCpuSeconds, double PredictPerSecond, double PredictPerCpuSecond, double PeakMegabytes,
    double ExactMatchLevel2, double MicroF1, double MacroF1, double HierarchicalF1);

/// <summary>
/// `bench classify`: on the same 80/10/10 split of each catalogue, the starter baseline, the workbook's model,
/// fastText (-loss ova, 2 threads) and scikit-learn's draft.py, with quality and time ratios against fastText.
/// Time is wall clock; peers' memory is GNU time's peak RSS; the workbook's is this process's peak (an upper bound,
/// since the process also holds the catalogue).
/// </summary>
public static class ClassifierBenchmark
{
    /// <summary>Model names <see cref="Run"/> knows; <c>models</c> picks a subset (the workbook's model always runs: the ratios need it).</summary>
    public static readonly IReadOnlyList<string> Models = ["workbook", "starter", "fasttext", "sklearn"];

    public static IReadOnlyList<BenchmarkRow> Run(IReadOnlyList<string> datasetFolders, int seed, bool runSklearn, TextWriter log, CancellationToken cancel = default,
        IReadOnlyCollection<string>? models = null)
    {
        bool Runs(string model) => models is null || models.Count == 0 || models.Contains(model);
        foreach (var m in models ?? []) if (!Models.Contains(m)) throw new ArgumentException($"Unknown bench model '{m}'; known: {string.Join(", ", Models)}.");
        var rows = new List<BenchmarkRow>();
        var threads = Math.Min(2, Environment.ProcessorCount);
        foreach (var folder in datasetFolders)
        {
            var dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
            var catalog = ProductCatalog.LoadFolder(folder);
            var split = ProductSplit.Create(catalog, seed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
            var tree = catalog.Labels;
            var gold = split.Test.Select(p => p.Labels).ToList();
            log.WriteLine($"== {dataset}: {split.Train.Count} train / {split.Validation.Count} validation / {split.Test.Count} test products, {tree.Count} labels");
            BenchmarkRow Row(string model, double train, double trainCpu, double predict, double predictCpu, long peak, IReadOnlyList<IReadOnlySet<int>> predicted)
            {
                var report = HierarchicalMetrics.Evaluate(tree, gold, predicted);
                var l2 = report.Levels.FirstOrDefault(l => l.Level == 2)?.ExactMatch ?? report.ExactMatch;
                var row = new BenchmarkRow(dataset, model, train, trainCpu, split.Test.Count / predict, predictCpu > 0 ? split.Test.Count / predictCpu : double.NaN, peak / 1048576.0, l2, report.MicroF1, report.MacroF1, report.HierarchicalF1);
                log.WriteLine($"   {model,-22} train {train,7:0.00} s (cpu {trainCpu,7:0.00} s)  predict {row.PredictPerSecond,9:0} /s ({row.PredictPerCpuSecond,9:0} /cpu-s)  peak {row.PeakMegabytes,6:0} MB  " +
                              $"exact(L2) {l2:0.0000}  micro-F1 {report.MicroF1:0.0000}  macro-F1 {report.MacroF1:0.0000}  hF1 {report.HierarchicalF1:0.0000}");
                return row;
            }

            var options = new HierarchicalClassifierOptions { Seed = seed, Threads = threads };
            var watch = Stopwatch.StartNew();
            var cpu = CpuStopwatch.StartNew();
            var model = new HierarchicalClassifier(options).Fit(split.Train, tree, split.Validation, cancel);
            var fit = watch.Elapsed.TotalSeconds;
            var fitCpu = cpu.Elapsed.TotalSeconds;
            // A warm-up pass, then the median of 5 (a single pass over a few thousand products is tens of milliseconds).
            var (runs, ours) = PredictionBenchmark.Time(model, split.Test, repeat: 5);
            var median = PredictionBenchmark.Median(runs);
            rows.Add(Row("workbook", fit, fitCpu, median.Seconds, median.CpuSeconds, Process.GetCurrentProcess().PeakWorkingSet64, ours.Select(p => p.Labels).ToList()));

            if (Runs("starter"))
            {
                watch.Restart();
                cpu = CpuStopwatch.StartNew();
                var starter = new StarterBaseline(threads: threads).Fit(split.Train, tree);
                fit = watch.Elapsed.TotalSeconds;
                fitCpu = cpu.Elapsed.TotalSeconds;
                watch.Restart();
                cpu = CpuStopwatch.StartNew();
                var starterPredicted = starter.Predict(split.Test).Select(s => (IReadOnlySet<int>)tree.Closure(s)).ToList();
                rows.Add(Row("starter (C#)", fit, fitCpu, watch.Elapsed.TotalSeconds, cpu.Elapsed.TotalSeconds, Process.GetCurrentProcess().PeakWorkingSet64, starterPredicted));
            }

            var work = Path.Combine(Path.GetTempPath(), $"workbook-bench-{dataset}-{Environment.ProcessId}");
            try
            {
                if (Runs("fasttext") && FastTextPeer.Available)
                {
                    var ft = new FastTextPeer(work, threads).Run(tree, split.Train, split.Test, cancel);
                    rows.Add(Row("fasttext -loss ova", ft.TrainSeconds, ft.TrainCpuSeconds, ft.PredictSeconds, ft.PredictCpuSeconds, ft.PeakBytes, ft.Predicted));
                }
                else if (Runs("fasttext")) log.WriteLine($"   fasttext: {FastTextPeer.Binary} not installed, skipped");
                if (runSklearn && Runs("sklearn") && File.Exists(SklearnPeer.Python))
                {
                    var sk = new SklearnPeer(work).Run(catalog, split.Train, split.Test, cancel);
                    // The script times fit and predict itself (without Python start-up and CSV parsing); CPU is the whole process.
                    rows.Add(Row("scikit-learn draft.py", sk.FitSeconds, sk.CpuSeconds, sk.PredictSeconds, double.NaN, sk.PeakBytes, sk.Predicted));
                }
            }
            finally
            {
                if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            }
            PrintRatios(rows.Where(r => r.Dataset == dataset).ToList(), log);
        }
        return rows;
    }

    private static void PrintRatios(IReadOnlyList<BenchmarkRow> rows, TextWriter log)
    {
        var ours = rows.First(r => r.Model == "workbook");
        string Ratio(double a, double b) => b == 0 ? "n/a" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);
        var ft = rows.FirstOrDefault(r => r.Model.StartsWith("fasttext"));
        if (ft != null)
            log.WriteLine($"   workbook vs fasttext: hF1 {ours.HierarchicalF1 - ft.HierarchicalF1:+0.0000;-0.0000}  micro-F1 {ours.MicroF1 - ft.MicroF1:+0.0000;-0.0000}  " +
                          $"train time x{Ratio(ours.TrainSeconds, ft.TrainSeconds)} wall, x{Ratio(ours.TrainCpuSeconds, ft.TrainCpuSeconds)} cpu (target <= 1.5)  predict speed x{Ratio(ours.PredictPerSecond, ft.PredictPerSecond)}");
        var sk = rows.FirstOrDefault(r => r.Model.StartsWith("scikit"));
        if (sk != null)
            log.WriteLine($"   workbook vs scikit-learn: {Ratio(sk.TrainSeconds, ours.TrainSeconds)}x faster to train wall, {Ratio(sk.TrainCpuSeconds, ours.TrainCpuSeconds)}x cpu (target >= 10)  hF1 {ours.HierarchicalF1 - sk.HierarchicalF1:+0.0000;-0.0000}");
        log.WriteLine($"   workbook predicts {ours.PredictPerSecond:0} products/s wall, {ours.PredictPerCpuSecond:0} per cpu-second (target > 50,000/s), peak {ours.PeakMegabytes:0} MB (target < 2048); load {MachineLoad.Now()}");
    }
}
