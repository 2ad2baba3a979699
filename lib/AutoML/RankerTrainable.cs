using System.Text.Json;
using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.AutoML;

/// <summary>Knobs of the rank task: thinning seeds of a full-budget trial, the held-out seeds, and K.</summary>
internal sealed record RankTaskOptions(int TuneSeeds = 20, int TestSeeds = 50, int K = 100);

/// <summary>
/// The empirical-Bayes ranker as a trainable: its prior (strength scale, impressions bands, prior family, category
/// pooling and the minimum category size) and the score kind, with the credible level only when the score uses an interval. The
/// objective is offline NDCG@K by impression thinning, averaged over thinning seeds 0..TuneSeeds-1 (a budget fraction
/// uses fewer seeds); the refit model is reported on seeds 1000.. that tuning never saw, so the test number is not the
/// tuned one.
/// </summary>
internal sealed class RankerTrainable : ITrainable
{
    private const int TestSeedOffset = 1000;
    private readonly IReadOnlyList<ProductStats> _products;
    private readonly RankTaskOptions _options;

    public RankerTrainable(string dataPath, RankTaskOptions? options = null)
    {
        _options = options ?? new RankTaskOptions();
        _products = ProductScoringLoader.Load(dataPath).Products;
        DataHash = FileHash.Of(dataPath).Sha256;
    }

    public string Task => "rank";
    public string Objective => "ndcg";
    public string DataHash { get; }

    private static readonly RankerOptions Shipped = new();
    private static readonly string[] Priors = Enum.GetNames<PriorFamily>().Select(n => n.ToLowerInvariant()).ToArray();

    // The initial point is the ranker's shipped default (read from RankerOptions, so it follows the ranker's own
    // changes), so every tuner starts from, and is compared with, it.
    public SearchSpace Space { get; } = new SearchSpace()
        .Float("prior_strength_scale", 0.05, 20, log: true, init: Shipped.PriorStrengthScale)
        .Int("impression_bands", 1, 10, init: Shipped.ImpressionBands)
        .Choice("prior", Priors, init: Shipped.Prior.ToString().ToLowerInvariant())
        .Choice("category_pooling", ["true", "false"], init: Shipped.CategoryPooling ? "true" : "false")
        .Int("min_category_size", 1, 50, log: true, init: Shipped.MinCategorySize, when: new Condition("category_pooling", "true"))
        .Choice("score", ["mean", "lower"], init: Shipped.Score == ScoreKind.Lower ? "lower" : "mean")
        .Float("credible_level", 0.5, 0.99, init: Shipped.CredibleLevel, when: new Condition("score", "lower"));

    public ParameterSet Defaults => Space.Initial();

    public static RankerOptions ToOptions(ParameterSet p) => new RankerOptions
    {
        PriorStrengthScale = p.GetDouble("prior_strength_scale"),
        ImpressionBands = (int)p.GetInt("impression_bands"),
        Prior = (PriorFamily)Array.IndexOf(Priors, p.GetString("prior")),
        CategoryPooling = p.GetString("category_pooling") == "true",
        MinCategorySize = (int)p.GetInt("min_category_size", Shipped.MinCategorySize),
        Score = p.GetString("score") == "lower" ? ScoreKind.Lower : ScoreKind.Mean,
        CredibleLevel = p.GetDouble("credible_level", Shipped.CredibleLevel),
    }.Validate();

    public TrialMetrics Evaluate(ParameterSet parameters, double budget, CancellationToken cancellation)
    {
        var seeds = Math.Max(2, (int)Math.Round(_options.TuneSeeds * budget));
        var m = Measure(ToOptions(parameters), Enumerable.Range(0, seeds).ToArray(), cancellation);
        return new TrialMetrics(m.Ndcg, new Dictionary<string, double> { ["revenue"] = m.Revenue, ["ndcg_std"] = m.NdcgStd, ["seeds"] = seeds });
    }

    /// <summary>NDCG on the held-out thinning seeds (what the notebook and the benchmark compare).</summary>
    public TrialMetrics Test(ParameterSet parameters, CancellationToken cancellation = default)
    {
        var (ndcg, revenue) = TestBySeed(parameters, cancellation);
        var mean = ndcg.Average();
        return new TrialMetrics(mean, new Dictionary<string, double>
            { ["revenue"] = revenue.Average(), ["ndcg_std"] = Std(ndcg), ["seeds"] = ndcg.Count });
    }

    /// <summary>Per held-out seed NDCG and revenue, for paired comparisons of two configurations.</summary>
    public (IReadOnlyList<double> Ndcg, IReadOnlyList<double> Revenue) TestBySeed(ParameterSet parameters, CancellationToken cancellation = default) =>
        MeasureBySeed(ToOptions(parameters), Enumerable.Range(TestSeedOffset, _options.TestSeeds).ToArray(), cancellation);

    public TrialMetrics FitFinalAndSave(ParameterSet parameters, string modelPath, CancellationToken cancellation)
    {
        var options = ToOptions(parameters);
        var model = ProductRanker.Fit(_products, options, _fits);
        // The ranker is its options plus the fitted priors: that is what the saved file holds.
        var saved = new { Format = "workbook-ranker-prior", Version = 1, Options = options, model.GlobalPrior, model.Bands, model.CategoryTau,
            Categories = model.Categories.OrderBy(c => c.CategoryId, StringComparer.Ordinal) };
        AtomicFile.WriteAllText(modelPath, JsonSerializer.Serialize(saved, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        return Test(parameters, cancellation);
    }

    private (double Ndcg, double Revenue, double NdcgStd) Measure(RankerOptions options, int[] seeds, CancellationToken cancellation)
    {
        var (ndcg, revenue) = MeasureBySeed(options, seeds, cancellation);
        return (ndcg.Average(), revenue.Average(), Std(ndcg));
    }

    private (IReadOnlyList<double> Ndcg, IReadOnlyList<double> Revenue) MeasureBySeed(RankerOptions options, int[] seeds, CancellationToken cancellation)
    {
        // Chunks of seeds so a time budget can stop a trial between them.
        var ndcg = new List<double>();
        var revenue = new List<double>();
        foreach (var chunk in seeds.Chunk(4))
        {
            cancellation.ThrowIfCancellationRequested();
            var r = OfflineEvaluation.Run(_products, options, chunk, _options.K, Split, _fits);
            ndcg.AddRange(r.NdcgBySeed);
            revenue.AddRange(r.RevenueBySeed);
        }
        return (ndcg, revenue);
    }

    // Every trial measures on the same seeds, and a split draws a binomial per product (MathNet's sampler is linear in
    // the views): 18% of the automl-ranking target's CPU before the splits were kept (perf). A seed's halves are
    // immutable, so trials share them; at most TuneSeeds + TestSeeds of them, about 1.3 MB each on the real file.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<(IReadOnlyList<ProductStats> First, IReadOnlyList<ProductStats> Second)>> _splits = new();

    // Trials that share a split, a family and band edges fit the same band priors: kept once (PriorFitMemo).
    private readonly PriorFitMemo _fits = new();

    private (IReadOnlyList<ProductStats> First, IReadOnlyList<ProductStats> Second) Split(int seed) =>
        _splits.GetOrAdd(seed, s => new(() => ImpressionThinning.Split(_products, s))).Value;

    private static double Std(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2) return 0;
        var mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
    }
}
