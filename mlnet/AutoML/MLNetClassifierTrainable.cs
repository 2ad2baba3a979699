using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Products.Classification.MLNet;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>
/// Knobs of the mlnet-classify task: the split (the classifier's own 80/10/10 by seed, as the classify task), a cap on
/// training products (0 = all; for quick runs and tests) and the threads a fit may use (0 = all cores).
/// </summary>
public sealed record MLNetClassifyTaskOptions(int SplitSeed = 1, int MaxTrain = 0, int Threads = 0);

/// <summary>
/// The workbook's AutoML engine in Microsoft.ML.AutoML's part: an ML.NET pipeline (<c>FeaturizeText</c>, then one
/// multiclass model per parent node, <see cref="MLNetHierarchicalClassifier"/>) as a trainable. The space is the
/// trainer (L-BFGS or SDCA maximum entropy), its main hyperparameters (L-BFGS: L2 and L1 weights; SDCA: L2 weight and
/// passes) and the featurizer (word n-gram length, character n-gram length or none, minimum feature count). The
/// initial point is ML.NET's own defaults (L-BFGS, L1 = L2 = 1, word unigrams, character trigrams) with the count
/// filter at 3. A trial fits on a budget-sized, nested subsample of train and scores hierarchical F1 on the whole
/// validation split (the model has no thresholds to tune, so validation only scores); <see cref="Test"/> fits on
/// train + validation and scores the test split, which tuning never touches.
/// </summary>
public sealed class MLNetClassifierTrainable : ITrainable
{
    private readonly ProductCatalog _catalog;
    private readonly MLNetClassifyTaskOptions _options;
    private readonly ProductSplit _split;
    private readonly Product[] _trainOrder;

    public MLNetClassifierTrainable(string folder, MLNetClassifyTaskOptions? options = null)
    {
        _options = options ?? new MLNetClassifyTaskOptions();
        _catalog = ProductCatalog.LoadFolder(folder);
        _split = ProductSplit.Create(_catalog, _options.SplitSeed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
        // The same fixed shuffle of train as the classify task: a budget b takes the first b*n products (nested rungs).
        var order = _split.Train.ToArray();
        new Random(_options.SplitSeed + 7).Shuffle(order);
        _trainOrder = _options.MaxTrain > 0 ? order.Take(_options.MaxTrain).ToArray() : order;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in new[] { _catalog.DataPath, _catalog.LabelInfoPath })
            sha.AppendData(Convert.FromHexString(FileHash.Of(f).Sha256));
        DataHash = Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The task as hosts register it (<c>--task mlnet-classify</c>, data: a catalogue folder).</summary>
    public static AutoMLTask Registration { get; } =
        AutoMLTask.WithOptions<MLNetClassifyTaskOptions>("mlnet-classify", (data, o) => new MLNetClassifierTrainable(data, o));

    public string Task => "mlnet-classify";
    public string Objective => "hierarchical_f1";
    public string DataHash { get; }
    public ProductSplit Split => _split;

    private static readonly Condition Lbfgs = new("trainer", "lbfgs");
    private static readonly Condition Sdca = new("trainer", "sdca");

    public SearchSpace Space { get; } = new SearchSpace()
        .Choice("trainer", ["lbfgs", "sdca"], init: "lbfgs")
        .Float("lbfgs_l2", 1e-3, 10, log: true, init: 1, when: Lbfgs)
        .Float("lbfgs_l1", 1e-3, 10, log: true, init: 1, when: Lbfgs)
        .Float("sdca_l2", 1e-6, 1e-1, log: true, init: 1e-4, when: Sdca)
        .Int("sdca_iterations", 5, 50, log: true, init: 10, when: Sdca)
        .Int("word_ngram_length", 1, 3, init: 1)
        .Choice("char_ngram_length", ["off", "2", "3", "4"], init: "3")
        .Int("min_count", 1, 5, init: 3);

    public ParameterSet Defaults => Space.Initial();

    public MLNetClassifierOptions ToOptions(ParameterSet p)
    {
        var lbfgs = p.GetString("trainer") == "lbfgs";
        var chars = p.GetString("char_ngram_length");
        return new MLNetClassifierOptions
        {
            Trainer = lbfgs ? MLNetTrainer.Lbfgs : MLNetTrainer.Sdca,
            L2 = (float)(lbfgs ? p.GetDouble("lbfgs_l2") : p.GetDouble("sdca_l2")),
            L1 = lbfgs ? (float)p.GetDouble("lbfgs_l1") : null,
            SdcaIterations = lbfgs ? null : (int)p.GetInt("sdca_iterations"),
            Features = new TextFeaturizerOptions(
                WordNgramLength: (int)p.GetInt("word_ngram_length"),
                CharNgramLength: chars == "off" ? 0 : int.Parse(chars, CultureInfo.InvariantCulture),
                Normalize: true,
                MinCount: (int)p.GetInt("min_count")),
            Threads = _options.Threads,
            Seed = _options.SplitSeed,
        };
    }

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation)
    {
        var train = _trainOrder.Take(Math.Max(50, (int)Math.Round(_trainOrder.Length * budget))).ToList();
        return FitAndScore(parameters, train, _split.Validation, cancellation).Metrics;
    }

    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) =>
        FitAndScore(parameters, _trainOrder.Concat(_split.Validation).ToList(), _split.Test, cancellation).Metrics;

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation)
    {
        var (model, metrics) = FitAndScore(parameters, _trainOrder.Concat(_split.Validation).ToList(), _split.Test, cancellation);
        model.Save(modelPath);
        return metrics;
    }

    private (MLNetHierarchicalModel Model, TrialMetrics Metrics) FitAndScore(ParameterSet parameters, IReadOnlyList<Product> train,
        IReadOnlyList<Product> score, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var model = new MLNetHierarchicalClassifier(ToOptions(parameters)).Fit(train, _catalog.Labels, cancellation);
        var fit = watch.Elapsed.TotalSeconds;
        cancellation.ThrowIfCancellationRequested();
        var r = HierarchicalMetrics.Evaluate(_catalog.Labels, score.Select(p => p.Labels).ToList(), model.Predict(score));
        return (model, new TrialMetrics(r.HierarchicalF1, new Dictionary<string, double>
        {
            ["micro_f1"] = r.MicroF1, ["exact_match"] = r.ExactMatch, ["macro_f1"] = r.MacroF1, ["hierarchical_precision"] = r.HierarchicalPrecision,
            ["hierarchical_recall"] = r.HierarchicalRecall, ["fit_seconds"] = fit, ["score_seconds"] = watch.Elapsed.TotalSeconds - fit,
            ["train_products"] = train.Count,
        }));
    }
}
