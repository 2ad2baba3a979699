using System.Security.Cryptography;

namespace Workbook.AutoML;

/// <summary>Knobs of the classify-catalogues task: which catalogue folders (under the data folder) and the split each uses.</summary>
internal sealed record ClassifyCataloguesTaskOptions(string[]? Catalogues = null, int SplitSeed = 1, int Threads = 0, bool FixedTrainOnly = true)
{
    public static readonly string[] All = ["flipkart-1050", "germeval-blurbs", "myntra-fashion", "cdiscount"];
}

/// <summary>
/// One configuration of the hierarchical classifier for every catalogue: the classify task on each catalogue of a
/// folder (<c>data/products</c>), the same parameters and budget for all, scored by the mean of their validation
/// hierarchical F1 (test: the mean of their test scores). A paired comparison pools every catalogue's validation
/// products. The refit saves one model per catalogue (the first at the given path, the others beside it).
/// </summary>
internal sealed class CataloguesClassifierTrainable : ITrainable, IPairedValidation
{
    private readonly (string Name, ClassifierTrainable Trainable)[] _parts;

    public CataloguesClassifierTrainable(string folder, ClassifyCataloguesTaskOptions options)
    {
        var names = options.Catalogues is { Length: > 0 } c ? c : ClassifyCataloguesTaskOptions.All;
        _parts = names.Select(n => (n, new ClassifierTrainable(Path.Combine(folder, n),
            new ClassifyTaskOptions(options.SplitSeed, 1, options.Threads, options.FixedTrainOnly)))).ToArray();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, t) in _parts) sha.AppendData(Convert.FromHexString(t.DataHash));
        DataHash = Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public string Task => "classify-catalogues";
    public string Objective => "mean_hierarchical_f1";
    public string DataHash { get; }
    public SearchSpace Space => _parts[0].Trainable.Space;
    public ParameterSet Defaults => _parts[0].Trainable.Defaults;

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation) =>
        Mean(_parts.Select(p => (p.Name, p.Trainable.Evaluate(parameters, budget, cancellation))).ToList());

    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation) =>
        Mean(_parts.Select(p => (p.Name, p.Trainable.Test(parameters, cancellation))).ToList());

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation) =>
        Mean(_parts.Select((p, i) => (p.Name, p.Trainable.FitFinalAndSave(parameters,
            i == 0 ? modelPath : Path.ChangeExtension(modelPath, $"{p.Name}.model"), cancellation))).ToList());

    IReadOnlyList<F1Counts> IPairedValidation.ValidationCounts(ParameterSet parameters, CancellationToken cancellation) =>
        _parts.SelectMany(p => p.Trainable.ValidationCounts(parameters, cancellation)).ToList();

    /// <summary>
    /// The mean objective; every metric of each catalogue beside it under the catalogue's name (so a constraint can name
    /// one: <c>cdiscount_predict_per_cpu_second</c>), and across catalogues the sum of seconds and products, the
    /// largest peak memory and the mean of the rest.
    /// </summary>
    private static TrialMetrics Mean(IReadOnlyList<(string Name, TrialMetrics Metrics)> parts)
    {
        var values = new Dictionary<string, double>();
        foreach (var (name, m) in parts)
        {
            values[$"{name}_hf1"] = m.Objective;
            foreach (var (k, v) in m.Values)
            {
                values[$"{name}_{k}"] = v;
                values[k] = k == ClassifierTrainable.PeakMegabytes ? Math.Max(values.GetValueOrDefault(k), v)
                    : values.GetValueOrDefault(k) + v / (k.EndsWith("seconds", StringComparison.Ordinal) || k == "train_products" ? 1 : parts.Count);
            }
        }
        return new TrialMetrics(parts.Average(p => p.Metrics.Objective), values);
    }
}
