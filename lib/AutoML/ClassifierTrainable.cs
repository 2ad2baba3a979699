using System.Diagnostics;
using System.Security.Cryptography;
using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>
/// Knobs of the classify task: the split (the classifier's own 80/10/10 by seed), and <c>Folds</c> &gt; 1 for k-fold
/// cross-validation over train + validation instead of the fixed validation split. <c>FixedTrainOnly</c> splits only
/// the training part of the fixed 80/20 split (<see cref="ClassifierTraining.FixedSplit"/>), so tuning never sees the
/// products the classifier is compared with its peers on.
/// </summary>
internal sealed record ClassifyTaskOptions(int SplitSeed = 1, int Folds = 1, int Threads = 0, bool FixedTrainOnly = false);

/// <summary>
/// The hierarchical product classifier as a trainable. The space covers features (word and character n-grams,
/// hashing size, weighting, metadata tokens, description length), the optimiser (kind, learning rate, L2, epochs) and
/// decoding (the metric thresholds are tuned for, beam width, exploration threshold). Its initial point is the cheap
/// corner (few epochs, unigrams, no character n-grams, a small hash table) where cost-frugal search starts; the
/// shipped default is <see cref="Defaults"/>.
/// A trial fits on a budget-sized subsample of train (nested: a larger budget adds products) and is scored
/// (hierarchical F1) on the whole validation split by cross-fitting: thresholds tuned on one half score the other, both
/// ways, so thresholds never see the products that score them. <see cref="Test"/> trains exactly like <c>classify train</c> (train, thresholds on the
/// whole validation split) and scores the test split, which tuning never touches.
/// A trial also records what the configuration costs, so an experiment can constrain it: <c>predict_per_cpu_second</c>
/// (at full budget: validation products predicted per CPU-second on one thread, the model's own cost, little inflated
/// by machine load) and <c>peak_megabytes</c> (the process's peak resident memory from the fit's start, every
/// catalogue of the task loaded).
/// </summary>
internal sealed class ClassifierTrainable : ITrainable, IPairedValidation
{
    private readonly ProductCatalog _catalog;
    private readonly ClassifyTaskOptions _options;
    private readonly ProductSplit _split;
    private readonly Product[] _trainOrder;
    private readonly IReadOnlyList<Product> _thresholdHalf, _scoreHalf, _crossFitOrder;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, F1Counts[]> _validationCounts = new();

    public ClassifierTrainable(string folder, ClassifyTaskOptions? options = null)
    {
        _options = options ?? new ClassifyTaskOptions();
        _catalog = ProductCatalog.LoadFolder(folder);
        _split = _options.FixedTrainOnly
            ? ProductSplit.Create(_catalog.Subset(ClassifierTraining.FixedSplit(_catalog).Train),
                _options.SplitSeed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction)
            : ProductSplit.Create(_catalog, _options.SplitSeed, ClassifierTraining.TrainFraction, ClassifierTraining.ValidationFraction);
        // A fixed shuffle of train: a budget b takes its first b*n products, so subsamples are nested across rungs.
        _trainOrder = _split.Train.ToArray();
        new Random(_options.SplitSeed + 7).Shuffle(_trainOrder);
        var half = _split.Validation.Count / 2;
        _thresholdHalf = _split.Validation.Take(half).ToList();
        _scoreHalf = _split.Validation.Skip(half).ToList();
        _crossFitOrder = _scoreHalf.Concat(_thresholdHalf).ToList();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in new[] { _catalog.DataPath, _catalog.LabelInfoPath })
            sha.AppendData(Convert.FromHexString(FileHash.Of(f).Sha256));
        DataHash = Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public string Task => "classify";
    public string Objective => "hierarchical_f1";
    public string DataHash { get; }
    public ProductSplit Split => _split;

    // Names of the enums' members in declaration order (the space offers a subset of them).
    private static readonly string[] Optimizers = ["adagrad", "rowadagrad", "sgd"];
    private static readonly string[] Weightings = ["binary", "tf", "sublinear", "tfidf", "sublinear_tfidf"];
    private static readonly string[] ThresholdMetrics = ["hierarchical_f1", "micro_f1", "samples_f1"];
    private static readonly string[] WordNgrams = ["1", "2_name", "2", "3"];

    // The ranges surround the shipped default rather than everything the classifier accepts: in the first 300 s run
    // on cdiscount, 8 of 9 random samples from the wide space (SGD, learning rates near 0.04, one epoch, 2^16 buckets,
    // binary or raw-tf weighting, descriptions cut below 100 characters) scored 0.64-0.83 validation hierarchical F1
    // against the default's 0.847, and one of them took 165 s: a 5-minute budget cannot afford such samples.
    public SearchSpace Space { get; } = new SearchSpace()
        .Int("epochs", 2, 8, init: 2)
        .Int("average_epochs", 0, 4, init: 0)
        .Float("learning_rate", 0.15, 1.5, log: true, init: 0.5)
        .Choice("regularize", ["off", "on"], init: "off")
        .Float("l2", 1e-9, 1e-5, log: true, init: 1e-7, when: new Condition("regularize", "on"))
        .Choice("optimizer", ["rowadagrad", "adagrad"], init: "rowadagrad")
        .Int("hash_bits", 18, 22, init: 18)
        // Longest word n-gram, "2_name" for bigrams of the name alone (WordNgramsInDescription false): cdiscount gained
        // from word bigrams (+0.005 hF1 on the fixed split) where germeval's blurbs lost from them, and a name's bigrams
        // cost a few features where a description's double them. One knob, so that one redraw around a unigram default
        // reaches name bigrams (as two knobs, both redrawn at 0.2 each: 1 sample in 150).
        .Choice("word_ngrams", WordNgrams, init: "1")
        .Choice("char_ngrams", ["off", "on"], init: "off")
        .Int("char_ngram_min", 2, 4, init: 3, when: new Condition("char_ngrams", "on"))
        .Int("char_ngram_max", 4, 6, init: 5, when: new Condition("char_ngrams", "on"))
        .Choice("char_ngrams_in_description", ["false", "true"], init: "false", when: new Condition("char_ngrams", "on"))
        .Choice("weighting", ["sublinear_tfidf", "sublinear", "tfidf"], init: "sublinear_tfidf")
        .Choice("metadata_tokens", ["true", "false"], init: "true")
        .Int("max_description_chars", 200, 4000, log: true, init: 200)
        .Float("name_weight", 0.2, 2, log: true, init: 1)
        .Choice("tune_for", ThresholdMetrics, init: "hierarchical_f1")
        .Int("beam_width", 1, 6, init: 2)
        .Float("explore_threshold", 0.01, 0.2, log: true, init: 0.05);

    /// <summary>The classifier's shipped defaults, expressed in this space.</summary>
    public ParameterSet Defaults
    {
        get
        {
            var d = new HierarchicalClassifierOptions();
            var values = new Dictionary<string, object>
            {
                ["epochs"] = d.Epochs, ["average_epochs"] = d.AverageEpochs, ["learning_rate"] = d.LearningRate, ["regularize"] = d.L2 > 0 ? "on" : "off",
                ["optimizer"] = d.Optimizer.ToString().ToLowerInvariant(),
                ["hash_bits"] = d.HashBits, ["word_ngrams"] = d.WordNgramMax == 1 ? "1" : d.WordNgramMax == 2 && !d.WordNgramsInDescription ? "2_name" : d.WordNgramMax.ToString(System.Globalization.CultureInfo.InvariantCulture), ["char_ngrams"] = d.CharNgramMax > 0 ? "on" : "off",
                ["char_ngram_min"] = d.CharNgramMin, ["char_ngram_max"] = d.CharNgramMax,
                ["char_ngrams_in_description"] = d.CharNgramsInDescription ? "true" : "false", ["weighting"] = Weightings[(int)d.Weighting],
                ["metadata_tokens"] = d.MetadataTokens ? "true" : "false", ["max_description_chars"] = d.MaxDescriptionChars, ["name_weight"] = d.NameWeight,
                ["tune_for"] = ThresholdMetrics[(int)d.TuneFor], ["beam_width"] = d.BeamWidth, ["explore_threshold"] = d.ExploreThreshold,
            };
            // Inactive conditionals are absent from a configuration, as the space's own Decode leaves them out.
            if (d.L2 > 0) values["l2"] = d.L2;
            if (d.CharNgramMax == 0) foreach (var k in new[] { "char_ngram_min", "char_ngram_max", "char_ngrams_in_description" }) values.Remove(k);
            return Space.Parse(System.Text.Json.JsonSerializer.Serialize(values));
        }
    }

    public HierarchicalClassifierOptions ToOptions(ParameterSet p)
    {
        var on = p.GetString("char_ngrams") == "on";
        var o = new HierarchicalClassifierOptions
        {
            Epochs = (int)p.GetInt("epochs"),
            // At most every epoch is averaged (the two knobs are drawn independently).
            AverageEpochs = (int)Math.Min(p.GetInt("average_epochs"), p.GetInt("epochs")),
            LearningRate = p.GetDouble("learning_rate"),
            L2 = p.GetString("regularize") == "on" ? p.GetDouble("l2") : 0,
            Optimizer = (OptimizerKind)Array.IndexOf(Optimizers, p.GetString("optimizer")),
            HashBits = (int)p.GetInt("hash_bits"),
            WordNgramMax = p.GetString("word_ngrams") switch { "1" => 1, "3" => 3, _ => 2 },
            WordNgramsInDescription = p.GetString("word_ngrams") != "2_name",
            CharNgramMin = on ? (int)p.GetInt("char_ngram_min") : 0,
            CharNgramMax = on ? (int)p.GetInt("char_ngram_max") : 0,
            CharNgramsInDescription = on && p.GetString("char_ngrams_in_description") == "true",
            Weighting = (TermWeighting)Array.IndexOf(Weightings, p.GetString("weighting")),
            MetadataTokens = p.GetString("metadata_tokens") == "true",
            MaxDescriptionChars = (int)p.GetInt("max_description_chars"),
            NameWeight = p.GetDouble("name_weight"),
            TuneFor = (ThresholdMetric)Array.IndexOf(ThresholdMetrics, p.GetString("tune_for")),
            BeamWidth = (int)p.GetInt("beam_width"),
            ExploreThreshold = p.GetDouble("explore_threshold"),
            Seed = _options.SplitSeed,
        };
        if (_options.Threads > 0) o = o with { Threads = _options.Threads };
        o.Validate();
        return o;
    }

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation)
    {
        var options = ToOptions(parameters);
        var watch = Stopwatch.StartNew();
        if (_options.Folds > 1) return CrossValidate(options, budget, cancellation);
        PeakMemory.Reset();
        var train = _trainOrder.Take(Math.Max(50, (int)Math.Round(_trainOrder.Length * budget))).ToList();
        var model = new HierarchicalClassifier(options).Fit(train, _catalog.Labels, _thresholdHalf, cancellation);
        var fit = watch.Elapsed.TotalSeconds;
        // Cross-fitting: thresholds from half A score half B, then thresholds re-tuned on B score A. Every validation
        // product scores the configuration (half the noise of scoring one half) for the price of one more decoder tuning.
        var onScoreHalf = model.Predict(_scoreHalf);
        cancellation.ThrowIfCancellationRequested();
        var onThresholdHalf = model.TuneDecoder(_scoreHalf, options.TuneFor).Predict(_thresholdHalf);
        var predicted = onScoreHalf.Concat(onThresholdHalf).Select(p => p.Labels).ToList();
        var report = HierarchicalMetrics.Evaluate(_catalog.Labels, _crossFitOrder.Select(p => p.Labels).ToList(), predicted);
        if (budget >= 1) _validationCounts[parameters.Json] = Counts(predicted);
        var metrics = Metrics(report, fit, train.Count);
        var values = new Dictionary<string, double>(metrics.Values)
        {
            ["score_seconds"] = watch.Elapsed.TotalSeconds - fit, [PeakMegabytes] = PeakMemory.Read() / 1048576.0,
        };
        // Timed at full budget only: the trials a constraint judges (a subsample's smaller tables predict faster anyway),
        // and the passes would add a large share to a cheap rung's seconds.
        if (budget >= 1) values[PredictPerCpuSecond] = PredictionRate(model, _split.Validation, cancellation);
        return metrics with { Values = values };
    }

    /// <summary>The trial metrics of what a configuration costs (<see cref="ClassifierTrainable"/>).</summary>
    internal const string PredictPerCpuSecond = "predict_per_cpu_second", PeakMegabytes = "peak_megabytes";

    /// <summary>
    /// Products predicted per CPU-second by one thread: a warm-up pass, then passes over <paramref name="products"/>
    /// until they have used a quarter of a CPU-second (the process clock ticks every 10 ms).
    /// </summary>
    private static double PredictionRate(HierarchicalClassifierModel model, IReadOnlyList<Product> products, CancellationToken cancellation)
    {
        if (products.Count == 0) return 0;
        var single = model.WithThreads(1);
        single.Predict(products);
        var cpu = CpuStopwatch.StartNew();
        long predicted = 0;
        do
        {
            cancellation.ThrowIfCancellationRequested();
            single.Predict(products);
            predicted += products.Count;
        } while (cpu.Elapsed.TotalSeconds < 0.25);
        return predicted / cpu.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Per-product hierarchical F1 counts of a full-budget configuration on the cross-fitted validation products, in a
    /// fixed order, for paired comparisons; evaluates the configuration if this process has not yet.
    /// </summary>
    IReadOnlyList<F1Counts> IPairedValidation.ValidationCounts(ParameterSet parameters, CancellationToken cancellation) => ValidationCounts(parameters, cancellation);

    internal IReadOnlyList<F1Counts> ValidationCounts(ParameterSet parameters, CancellationToken cancellation)
    {
        if (_options.Folds > 1) throw new InvalidOperationException("Paired validation counts exist for the fixed validation split only.");
        if (!_validationCounts.TryGetValue(parameters.Json, out var counts))
        {
            Evaluate(parameters, 1, cancellation);
            counts = _validationCounts[parameters.Json];
        }
        return counts;
    }

    private F1Counts[] Counts(IReadOnlyList<IReadOnlySet<int>> predicted)
    {
        var tree = _catalog.Labels;
        var counts = new F1Counts[predicted.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            var gold = tree.Closure(_crossFitOrder[i].Labels);
            var pred = tree.Closure(predicted[i]);
            counts[i] = new F1Counts(pred.Count(gold.Contains), pred.Count, gold.Count);
        }
        return counts;
    }

    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) => FitAndTest(parameters, cancellation).Metrics;

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation)
    {
        var (model, metrics) = FitAndTest(parameters, cancellation);
        model.WithMetadata(new Dictionary<string, string>
        {
            ["split_seed"] = _options.SplitSeed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["data_sha256"] = FileHash.Of(_catalog.DataPath).Sha256,
            ["data_path"] = Path.GetFullPath(_catalog.DataPath),
            ["labels_path"] = Path.GetFullPath(_catalog.LabelInfoPath),
            ["automl_params"] = parameters.Json,
        }).Save(modelPath);
        return metrics;
    }

    private (HierarchicalClassifierModel Model, TrialMetrics Metrics) FitAndTest(ParameterSet parameters, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        var model = new HierarchicalClassifier(ToOptions(parameters)).Fit(_split.Train, _catalog.Labels, _split.Validation, cancellation);
        var fit = watch.Elapsed.TotalSeconds;
        return (model, Metrics(ClassifierTraining.Evaluate(model, _split.Test), fit, _split.Train.Count));
    }

    private TrialMetrics CrossValidate(HierarchicalClassifierOptions options, double budget, CancellationToken cancellation)
    {
        // Train + validation in k folds; thresholds come from the classifier's own hold-out of each training part.
        var pool = _trainOrder.Concat(_split.Validation).ToArray();
        var f1 = new List<double>();
        double fit = 0;
        var used = 0;
        foreach (var (trainIdx, testIdx) in CrossValidation.Folds(pool.Length, _options.Folds, _options.SplitSeed))
        {
            var train = trainIdx.Take(Math.Max(50, (int)Math.Round(trainIdx.Length * budget))).Select(i => pool[i]).ToList();
            var watch = Stopwatch.StartNew();
            var model = new HierarchicalClassifier(options).Fit(train, _catalog.Labels, null, cancellation);
            fit += watch.Elapsed.TotalSeconds;
            f1.Add(ClassifierTraining.Evaluate(model, testIdx.Select(i => pool[i]).ToList()).HierarchicalF1);
            used = train.Count;
        }
        var mean = f1.Average();
        return new TrialMetrics(mean, new Dictionary<string, double>
        {
            ["fold_std"] = Math.Sqrt(f1.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, f1.Count - 1)), ["fit_seconds"] = fit,
            ["train_products"] = used, ["folds"] = f1.Count,
        });
    }

    private static TrialMetrics Metrics(ClassificationReport r, double fitSeconds, int trainProducts) => new(r.HierarchicalF1,
        new Dictionary<string, double>
        {
            ["micro_f1"] = r.MicroF1, ["exact_match"] = r.ExactMatch, ["macro_f1"] = r.MacroF1, ["hierarchical_precision"] = r.HierarchicalPrecision,
            ["hierarchical_recall"] = r.HierarchicalRecall, ["fit_seconds"] = fitSeconds, ["train_products"] = trainProducts,
        });
}
