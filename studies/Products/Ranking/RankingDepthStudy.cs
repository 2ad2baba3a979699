namespace Workbook.Products.Ranking;

/// <summary>One of the targets checked on one metric: the model's mean and its win rate against each baseline.</summary>
internal sealed record DepthTargetRow(string Metric, double Model, double Raw, double Wilson, double Cpc,
    double WinsOverRaw, double WinsOverWilson, double WinsOverCpc)
{
    /// <summary>The model beat each baseline on at least 80% of the seeds on this metric.</summary>
    public bool BeatsEveryBaseline => WinsOverRaw >= 0.8 && WinsOverWilson >= 0.8 && WinsOverCpc >= 0.8;
}

/// <summary>
/// The ranking evaluated at several depths of the list (issue 13), for notebook 03: the model against raw CTR x CPC,
/// the Wilson lower bound x CPC and CPC alone at NDCG@100, @1000, whole list and mean held-out gain of the top 100 and
/// 500, at training shares 0.5 and 0.8 of every product's views; calibration tables; the variants tried and lost; and
/// the check of the "model-free 0.67" claim (<see cref="ModelFreeEstimates"/>). Choices were made on
/// <see cref="SelectionSeeds"/>; the notebook reports <see cref="ReportSeeds"/>. Every number is a pure function of the
/// file and the seeds (each seed's split and fits are self-contained), so a rerun gives the same table.
/// </summary>
internal static class RankingDepthStudy
{
    public static IReadOnlyList<int> SelectionSeeds { get; } = Enumerable.Range(100, 30).ToArray();
    public static IReadOnlyList<int> ReportSeeds { get; } = Enumerable.Range(0, 30).ToArray();

    /// <summary>Training shares of every product's views: halves, and 0.8 (units nearer the full counts `rank` sees).</summary>
    public static IReadOnlyList<double> Fractions { get; } = [0.5, 0.8];

    public const string Model = "model (zero-inflated Beta per band, first edge at the 28% views quantile)";
    public const string Raw = "raw CTR x CPC";
    public const string Wilson = "Wilson lower bound x CPC";
    public const string Cpc = "CPC alone";

    /// <summary>The model and the three baselines of the targets, in that order.</summary>
    public static IReadOnlyList<IProductScorer> Baselines() =>
        [new BayesScorer(new RankerOptions(), Model), new RawCtrScorer(Raw), new WilsonScorer(Name: Wilson), new CpcScorer(Cpc)];

    /// <summary>
    /// What was tried on the selection seeds and not kept (each a measured negative result; see the notebook's table):
    /// the previous default (absolute first edge 20 views), priors that vary smoothly with log views or exposure rank
    /// instead of bands, with a category level or CPC as a covariate, category pooling, the hot mixture, one band fewer or more.
    /// </summary>
    public static IReadOnlyList<IProductScorer> Tried() =>
    [
        new BayesScorer(new RankerOptions { FirstBandEdge = ImpressionBands.FirstEdge }, "previous default: first edge 20 views (absolute)"),
        new SmoothPriorScorer(2, "smooth prior, quadratic in log views (no bands)"),
        new SmoothPriorScorer(3, "smooth prior, cubic in log views (no bands)"),
        new CovariatePriorScorer(PriorCovariate.None, Label: "smooth prior, cubic in exposure rank (no bands)"),
        new CovariatePriorScorer(PriorCovariate.CategoryLevel, Label: "smooth prior in exposure rank + category level (cross-fitted, shrunk)"),
        new CovariatePriorScorer(PriorCovariate.Cpc, Label: "smooth prior in exposure rank + log CPC"),
        new BayesScorer(new RankerOptions { CategoryPooling = true }, "model + category pooling (Gamma multipliers)"),
        new BayesScorer(new RankerOptions { Prior = PriorFamily.HotMixture }, "model with the hot mixture prior"),
        new BayesScorer(new RankerOptions { ImpressionBands = 6 }, "model with 6 bands"),
        new BayesScorer(new RankerOptions { ImpressionBands = 8 }, "model with 8 bands"),
    ];

    /// <summary>
    /// The candidate: the category level as a covariate of each band's prior (<see cref="CategoryLevelBandScorer"/>). Not yet in `rank`.
    /// </summary>
    public static IReadOnlyList<IProductScorer> Candidates() => [new CategoryLevelBandScorer(Name: CategoryLevelCandidate)];

    public const string CategoryLevelCandidate = "candidate: model + category level in each band's prior (cross-fitted)";

    /// <summary>The depth table at one training share: the model and baselines, then (optionally) the variants tried.</summary>
    public static DepthReport Compare(IReadOnlyList<ProductStats> products, IReadOnlyList<int> seeds, double fraction, bool withTried = false) =>
        DepthEvaluation.Run(products, SharedPriorFits.Attach(withTried ? [.. Baselines(), .. Candidates(), .. Tried()] : [.. Baselines(), .. Candidates()]), seeds, fraction);

    /// <summary>The targets per metric: the model's mean, the baselines' means and its win rates against them.</summary>
    public static IReadOnlyList<DepthTargetRow> Targets(DepthReport report) => report.Metrics.Select(m => new DepthTargetRow(m.Name,
        report.Mean(Model, m), report.Mean(Raw, m), report.Mean(Wilson, m), report.Mean(Cpc, m),
        report.WinRate(Model, Raw, m), report.WinRate(Model, Wilson, m), report.WinRate(Model, Cpc, m))).ToList();

    /// <summary>NDCG@100 of the model minus raw CTR x CPC's (the issue asks for at least 0.06).</summary>
    public static double NdcgAt100Margin(DepthReport report) =>
        report.Mean(Model, ListMetric.Standard[0]) - report.Mean(Raw, ListMetric.Standard[0]);

    /// <summary>Predicted against held-out CTR of the model, by training-exposure band and by decile of its score.</summary>
    public static (IReadOnlyList<CalibrationRow> ByExposure, IReadOnlyList<CalibrationRow> ByDecile) Calibration(
        IReadOnlyList<ProductStats> products, IReadOnlyList<int> seeds, double fraction) =>
        CalibrationTable.Both(products, SharedPriorFits.Attach(Baselines())[0], seeds, fraction);

    /// <summary>
    /// The calibration target: every training-exposure band with at least <paramref name="minProducts"/>
    /// products per seed within <paramref name="tolerance"/> (relative) of the held-out CTR.
    /// </summary>
    public static bool CalibratedInPopulatedBands(IReadOnlyList<CalibrationRow> byExposure, double minProducts = 100, double tolerance = 0.10) =>
        byExposure.Where(r => r.ProductsPerSeed >= minProducts).All(r => Math.Abs(r.Ratio - 1) <= tolerance);
}
