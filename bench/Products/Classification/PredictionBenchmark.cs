using System.Diagnostics;

namespace Workbook.Products.Classification;

/// <summary>One timed pass of <see cref="HierarchicalClassifierModel.Predict"/> over the test part.</summary>
public sealed record PredictionRun(double Seconds, double CpuSeconds, double PerSecond, double PerCpuSecond);

/// <summary>
/// `bench classify-predict`: prediction alone, on a saved model of one catalogue (trained as `classify train --test-fraction 0.2` trains it and
/// cached under data/models/ when missing or of another format version), repeated so the median is not one noisy
/// pass. Prints the quality too, so a faster variant that predicts differently shows it.
/// </summary>
public static class PredictionBenchmark
{
    /// <param name="datasetFolder">The catalogue folder (data.csv, label_info.csv).</param>
    /// <param name="modelPath">Where the model is cached (trained and saved there when missing or unreadable).</param>
    public static IReadOnlyList<PredictionRun> Run(string datasetFolder, int seed, int repeat, int threads, TextWriter log, string modelPath)
    {
        var dataset = Path.GetFileName(Path.TrimEndingDirectorySeparator(datasetFolder));
        var catalog = ProductCatalog.LoadFolder(datasetFolder);
        var model = TryLoad(modelPath, log);
        if (model is null)
        {
            log.WriteLine($"training {dataset} (seed {seed}) and saving {modelPath}");
            model = ClassifierTraining.Train(catalog, new HierarchicalClassifierOptions { Seed = seed, Threads = threads }, testFraction: 0.2).Model;
            model.Save(modelPath);
        }
        model = model.WithThreads(threads);
        var (test, description) = ClassifierTraining.EvaluationSet(model, catalog);
        log.WriteLine($"== {dataset}: {test.Count} products ({description}), {threads} threads, load {MachineLoad.Now()}");
        var (runs, predicted) = Time(model, test, repeat, log);
        // Where one thread's time goes: featurising alone, featurising + beam scoring, the whole Predict (+ decoding).
        var single = model.WithThreads(1);
        double Rate(Action pass) { pass(); var w = Stopwatch.StartNew(); pass(); return test.Count / w.Elapsed.TotalSeconds; }
        long features = 0;
        var featurize = Rate(() => features = single.FeaturizeOnly(test));
        var explore = Rate(() => single.Explore(test));
        var whole = Rate(() => single.Predict(test));
        log.WriteLine($"   one thread: featurise {featurize:0}/s ({features / (double)test.Count:0} features per product), featurise + beam {explore:0}/s, predict {whole:0}/s");
        var report = HierarchicalMetrics.Evaluate(model.Tree, test.Select(p => p.Labels).ToList(), predicted.Select(p => p.Labels).ToList());
        var median = Median(runs);
        log.WriteLine($"   median {median.PerSecond:0} products/s wall, {median.PerCpuSecond:0} per cpu-second; hF1 {report.HierarchicalF1:0.0000} micro-F1 {report.MicroF1:0.0000}; load {MachineLoad.Now()}");
        return runs;
    }

    /// <summary>A warm-up pass (JIT, the tables' pages), then <paramref name="repeat"/> timed passes; the last pass's predictions.</summary>
    internal static (IReadOnlyList<PredictionRun> Runs, IReadOnlyList<ProductPrediction> Predicted) Time(HierarchicalClassifierModel model,
        IReadOnlyList<Product> test, int repeat, TextWriter? log = null)
    {
        model.Predict(test);
        var runs = new List<PredictionRun>();
        IReadOnlyList<ProductPrediction> predicted = [];
        for (var r = 0; r < Math.Max(1, repeat); r++)
        {
            var cpu = CpuStopwatch.StartNew();
            var watch = Stopwatch.StartNew();
            predicted = model.Predict(test);
            var seconds = watch.Elapsed.TotalSeconds;
            var cpuSeconds = cpu.Elapsed.TotalSeconds;
            runs.Add(new PredictionRun(seconds, cpuSeconds, test.Count / seconds, test.Count / cpuSeconds));
            log?.WriteLine($"   pass {r + 1}: {runs[^1].PerSecond,9:0} products/s wall, {runs[^1].PerCpuSecond,9:0} per cpu-second");
        }
        return (runs, predicted);
    }

    /// <summary>The pass of median wall time (its CPU time with it, so the two stay one measurement).</summary>
    internal static PredictionRun Median(IReadOnlyList<PredictionRun> runs) => Workbook.Median.By<PredictionRun, double>(runs, r => r.Seconds);

    private static HierarchicalClassifierModel? TryLoad(string path, TextWriter log)
    {
        if (!File.Exists(path)) return null;
        try { return HierarchicalClassifierModel.Load(path); }
        catch (InvalidDataException e)
        {
            log.WriteLine($"retraining: {e.Message}");
            return null;
        }
    }
}
