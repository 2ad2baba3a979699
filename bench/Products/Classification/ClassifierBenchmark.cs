using System.Diagnostics;
using System.Globalization;
using Workbook.Products.Classification.MLNet;
using Workbook.Products.Classification.Peers;

namespace Workbook.Products.Classification;

/// <summary>One model's numbers on one catalogue's test split.</summary>
public sealed record BenchmarkRow(
    string Dataset, string Model, double TrainSeconds, double TrainCpuSeconds, double PredictPerSecond, double PredictPerCpuSecond, double PeakMegabytes,
    double ExactMatchLevel2, double MicroF1, double MacroF1, double HierarchicalF1);

/// <summary>
/// `bench classify`: on the same 80/10/10 split of each catalogue, the starter baseline (ML.NET's), the workbook's model,
/// ML.NET's per-node trainers, fastText (-loss ova, 2 threads) and scikit-learn's draft.py, with quality and time ratios against fastText.
/// Time is wall clock; peers' memory is GNU time's peak RSS; the in-process models' (the workbook's, the starter, ML.NET's)
/// is this process's peak from just before the model's training to the end of its prediction (<see cref="PeakMemory"/>; it
/// includes the catalogue the process holds).
/// </summary>
public static class ClassifierBenchmark
{
    /// <summary>
    /// ML.NET's trainers as peers, with their own defaults (features: <c>FeaturizeText</c>'s defaults, kept if seen in 3+
    /// training products): one model per parent node, one path per product (<see cref="MLNetHierarchicalClassifier"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, MLNetClassifierOptions> MLNetPeers { get; } = new Dictionary<string, MLNetClassifierOptions>
    {
        ["mlnet-lbfgs"] = new() { Trainer = MLNetTrainer.Lbfgs },
        ["mlnet-sdca"] = new() { Trainer = MLNetTrainer.Sdca },
        ["mlnet-lightgbm"] = new() { Trainer = MLNetTrainer.Lbfgs, RootTrainer = MLNetTrainer.LightGbm },
    };

    private const string OptIn = "mlnet-lightgbm";

    /// <summary>Model names <see cref="Run"/> knows; <c>models</c> picks a subset (the workbook's model always runs: the ratios need it).</summary>
    public static readonly IReadOnlyList<string> Models = ["workbook", "starter", .. MLNetPeers.Keys, "fasttext", "sklearn"];

    public static IReadOnlyList<BenchmarkRow> Run(IReadOnlyList<string> datasetFolders, int seed, bool runSklearn, TextWriter log, CancellationToken cancel = default,
        IReadOnlyCollection<string>? models = null)
    {
        // LightGBM at the root takes 20+ minutes per catalogue here: it runs only when named.
        bool Runs(string model) => models is { Count: > 0 } ? models.Contains(model) : model != OptIn;
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
            PeakMemory.Reset();
            var watch = Stopwatch.StartNew();
            var cpu = CpuStopwatch.StartNew();
            var model = new HierarchicalClassifier(options).Fit(split.Train, tree, split.Validation, cancel);
            var fit = watch.Elapsed.TotalSeconds;
            var fitCpu = cpu.Elapsed.TotalSeconds;
            // A warm-up pass, then the median of 5 (a single pass over a few thousand products is tens of milliseconds).
            var (runs, ours) = PredictionBenchmark.Time(model, split.Test, repeat: 5);
            var median = PredictionBenchmark.Median(runs);
            rows.Add(Row("workbook", fit, fitCpu, median.Seconds, median.CpuSeconds, PeakMemory.Read(), ours.Select(p => p.Labels).ToList()));

            // The starter and ML.NET's trainers (mlnet/): same split, same evaluator; peak memory is each one's own (the
            // process's peak is reset before it), so it includes the catalogue the process holds.
            BenchmarkRow Timed(string name, Func<Func<IReadOnlyList<Product>, IReadOnlyList<IReadOnlySet<int>>>> fit)
            {
                PeakMemory.Reset();
                watch.Restart();
                cpu = CpuStopwatch.StartNew();
                var predict = fit();
                var (trainWall, trainCpu) = (watch.Elapsed.TotalSeconds, cpu.Elapsed.TotalSeconds);
                watch.Restart();
                cpu = CpuStopwatch.StartNew();
                var predicted = predict(split.Test);
                return Row(name, trainWall, trainCpu, watch.Elapsed.TotalSeconds, cpu.Elapsed.TotalSeconds, PeakMemory.Read(), predicted);
            }
            if (Runs("starter"))
                rows.Add(Timed("starter (ML.NET)", () => new MLNetStarterBaseline(threads: threads).Fit(split.Train, tree, cancel).PredictClosed));
            foreach (var (key, peer) in MLNetPeers)
                if (Runs(key))
                    rows.Add(Timed("ML.NET " + peer.Name, () => new MLNetHierarchicalClassifier(peer with { Threads = threads, Seed = seed }).Fit(split.Train, tree, cancel).Predict));

            var work = Path.Combine(Path.GetTempPath(), $"workbook-bench-{dataset}-{Environment.ProcessId}");
            try
            {
                if (Runs("fasttext") && FastTextPeer.Available)
                {
                    var ft = new FastTextPeer(work, threads).Run(tree, split.Train, split.Test, cancel);
                    rows.Add(Row("fasttext -loss ova", ft.TrainSeconds, ft.TrainCpuSeconds, ft.PredictSeconds, ft.PredictCpuSeconds, ft.PeakBytes, ft.Predicted));
                }
                else if (Runs("fasttext")) log.WriteLine($"   fasttext: {FastTextPeer.Binary} not installed, skipped");
                if (runSklearn && Runs("sklearn") && !SklearnPeer.Available) log.WriteLine($"   scikit-learn: {SklearnPeer.Python} cannot import sklearn, skipped");
                else if (runSklearn && Runs("sklearn"))
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
        foreach (var ml in rows.Where(r => r.Model.StartsWith("ML.NET")))
            log.WriteLine($"   workbook vs {ml.Model}: hF1 {ours.HierarchicalF1 - ml.HierarchicalF1:+0.0000;-0.0000} (target > 0)  micro-F1 {ours.MicroF1 - ml.MicroF1:+0.0000;-0.0000}  " +
                          $"{Ratio(ml.TrainSeconds, ours.TrainSeconds)}x faster to train wall, {Ratio(ml.TrainCpuSeconds, ours.TrainCpuSeconds)}x cpu (target >= 10)");
        var sk = rows.FirstOrDefault(r => r.Model.StartsWith("scikit"));
        if (sk != null)
            log.WriteLine($"   workbook vs scikit-learn: {Ratio(sk.TrainSeconds, ours.TrainSeconds)}x faster to train wall, {Ratio(sk.TrainCpuSeconds, ours.TrainCpuSeconds)}x cpu (target >= 10)  hF1 {ours.HierarchicalF1 - sk.HierarchicalF1:+0.0000;-0.0000}");
        log.WriteLine($"   workbook predicts {ours.PredictPerSecond:0} products/s wall, {ours.PredictPerCpuSecond:0} per cpu-second (target > 50,000/s), peak {ours.PeakMegabytes:0} MB (target < 2048); load {MachineLoad.Now()}");
    }
}
