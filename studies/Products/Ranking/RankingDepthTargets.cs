using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>The knobs of notebook 03's evaluation at every depth (issue 13); <see cref="RankingDepthTargets.All"/> uses the defaults, tests shrink them.</summary>
public sealed record RankingDepthSettings
{
    /// <summary>Thinning seeds of the reported tables: they played no part in any choice.</summary>
    public IReadOnlyList<int> ReportSeeds { get; init; } = RankingDepthStudy.ReportSeeds;

    /// <summary>Thinning seeds on which the first-edge quantile and the prior were chosen.</summary>
    public IReadOnlyList<int> SelectionSeeds { get; init; } = RankingDepthStudy.SelectionSeeds;

    /// <summary>
    /// Selection seeds of the variants tried and lost: the first 10 of the 30 (the slowest table, eleven scorers with
    /// smooth and covariate priors fit by BFGS; on 30 seeds it took over ten minutes on the shared 2-core machine).
    /// </summary>
    public IReadOnlyList<int> TriedSeeds { get; init; } = RankingDepthStudy.SelectionSeeds.Take(10).ToArray();

    /// <summary>Report seeds of the calibration tables.</summary>
    public IReadOnlyList<int> CalibrationSeeds { get; init; } = RankingDepthStudy.ReportSeeds;

    /// <summary>Training shares of every product's views.</summary>
    public IReadOnlyList<double> Shares { get; init; } = RankingDepthStudy.Fractions;

    /// <summary>First-edge quantiles swept on the selection seeds.</summary>
    public IReadOnlyList<double> Quantiles { get; init; } = [0.20, 0.24, 0.28, 0.32, 0.35];

    /// <summary>Seeds of the simulated worlds of the ceiling study (<see cref="RankingCeilingStudy"/>).</summary>
    public IReadOnlyList<int> CeilingWorlds { get; init; } = RankingCeilingStudy.WorldSeeds;
}

/// <summary>
/// Notebook 03's evaluation at every depth of the list (issue 13), written to data/derived/ranking/depth/: the model
/// against raw CTR x CPC, Wilson x CPC, CPC alone and the previous default (absolute first edge 20) at NDCG@100, @1000,
/// whole list and mean held-out gain of the top 100 and 500, at training shares 0.5 and 0.8 (report seeds); the
/// issue's target checks; calibration by exposure band and by score decile; what was tried and lost and the first-edge
/// quantile sweep (selection seeds); and the check of the "model-free 0.67" claim. Rows are flat JSON objects, read
/// by the notebook with <see cref="Artifact.Rows"/> and <see cref="Artifact.Table(string, int)"/>.
/// </summary>
public static class RankingDepthTargets
{
    private const string Folder = "data/derived/ranking/depth";
    private static readonly IReadOnlyList<string> Code = ["lib/Products/Ranking", "studies/Products/Ranking"];

    public const string PreviousDefault = "previous default: first edge 20 views (absolute)";

    public static IReadOnlyList<Target> All { get; } = Create(new RankingDepthSettings());

    public static string OutputPath(string file) => $"{Folder}/{file}";

    public static IReadOnlyList<Target> Create(RankingDepthSettings s)
    {
        var shares = string.Join(", ", s.Shares);
        return
        [
            JsonTarget("ranking-depth-evaluation",
                "the model against raw CTR x CPC, Wilson, CPC alone and the previous default at five depths, shares 0.5 and 0.8 (report seeds); the issue's target checks",
                new() { ["seeds"] = Seeds(s.ReportSeeds), ["shares"] = shares, ["options"] = $"{new RankerOptions()}" },
                ["depth.json", "depth-seeds.json", "depth-targets.json"],
                (products, write) =>
                {
                    var reports = s.Shares.Select(share => DepthEvaluation.Run(products,
                        SharedPriorFits.Attach([.. RankingDepthStudy.Baselines(), .. PreviousDefaultScorer()]), s.ReportSeeds, share)).ToList();
                    write("depth.json", reports.SelectMany(MeanRows).ToList());
                    write("depth-seeds.json", reports.SelectMany(SeedRows).ToList());
                    write("depth-targets.json", reports.SelectMany(r => RankingDepthStudy.Targets(r).Select(t => new
                    {
                        Share = r.Fraction, t.Metric, t.Model, t.Raw, t.Wilson, t.Cpc, t.WinsOverRaw, t.WinsOverWilson, t.WinsOverCpc,
                        t.BeatsEveryBaseline, ModelMinusRaw = t.Model - t.Raw, r.MeasuredProducts,
                    })).ToList());
                }),
            JsonTarget("ranking-depth-calibration",
                "predicted against held-out CTR of the model and of raw CTR, by training-exposure band and by score decile, shares 0.5 and 0.8 (report seeds)",
                new() { ["seeds"] = Seeds(s.CalibrationSeeds), ["shares"] = shares, ["options"] = $"{new RankerOptions()}" },
                ["calibration-exposure.json", "calibration-decile.json"],
                (products, write) =>
                {
                    var scorers = SharedPriorFits.Attach([RankingDepthStudy.Baselines()[0], new RawCtrScorer(RankingDepthStudy.Raw)]);
                    object Row(double share, IProductScorer scorer, CalibrationRow r) =>
                        new { Share = share, Scorer = scorer.Name, r.Group, r.ProductsPerSeed, r.PredictedCtr, r.HeldOutCtr, r.Ratio };
                    // One split and fit per seed, share and scorer for both tables.
                    var tables = s.Shares.SelectMany(share => scorers.Select(sc => (share, sc, t: CalibrationTable.Both(products, sc, s.CalibrationSeeds, share)))).ToList();
                    write("calibration-exposure.json", tables.SelectMany(x => x.t.ByExposure.Select(r => Row(x.share, x.sc, r))).ToList());
                    write("calibration-decile.json", tables.SelectMany(x => x.t.ByDecile.Select(r => Row(x.share, x.sc, r))).ToList());
                }),
            JsonTarget("ranking-depth-tried",
                "variants tried and not kept (smooth and covariate priors, category level, pooling, hot mixture, band counts) at five depths, shares 0.5 and 0.8 (selection seeds)",
                new() { ["seeds"] = Seeds(s.TriedSeeds), ["shares"] = shares },
                ["tried.json"],
                (products, write) => write("tried.json", s.Shares.SelectMany(share =>
                    MeanRows(RankingDepthStudy.Compare(products, s.TriedSeeds, share, withTried: true))).ToList())),
            JsonTarget("ranking-depth-quantile-sweep",
                "first band edge as a quantile of recorded views, against the absolute edge 20 and raw CTR x CPC, shares 0.5 and 0.8 (selection seeds)",
                new() { ["seeds"] = Seeds(s.SelectionSeeds), ["shares"] = shares, ["quantiles"] = string.Join(", ", s.Quantiles) },
                ["quantile-sweep.json"],
                (products, write) => write("quantile-sweep.json", s.Shares.SelectMany(share => MeanRows(DepthEvaluation.Run(products, SharedPriorFits.Attach(
                [
                    .. s.Quantiles.Select(q => (IProductScorer)new BayesScorer(new RankerOptions { FirstEdgeQuantile = q }, $"first edge at the {q:0.00} views quantile")),
                    .. PreviousDefaultScorer(), new RawCtrScorer(RankingDepthStudy.Raw),
                ]), s.SelectionSeeds, share), RankingDepthStudy.Raw)).ToList())),
            JsonTarget("ranking-depth-model-free",
                "the 'model-free 0.67' claim: cell estimates of held-out CTR, leak-free and leaking, at five depths, share 0.5 (report seeds)",
                new() { ["seeds"] = Seeds(s.ReportSeeds), ["share"] = "0.5" },
                ["model-free.json"],
                (products, write) => write("model-free.json", MeanRows(ModelFreeEstimates.Run(products, s.ReportSeeds, 0.5)))),
            JsonTarget("ranking-depth-ceiling",
                "the ceiling of any score: worlds drawn from the model (true CTRs known), thinned like the file; model, baselines and an oracle that knows each CTR, share 0.5 (report seeds)",
                new() { ["worlds"] = Seeds(s.CeilingWorlds), ["seeds"] = Seeds(s.ReportSeeds), ["share"] = "0.5", ["options"] = $"{new RankerOptions()}" },
                ["ceiling.json"],
                (products, write) => write("ceiling.json", RankingCeilingStudy.Run(products, s.CeilingWorlds, s.ReportSeeds, 0.5)
                    .SelectMany((r, w) => MeanRows(r, RankingDepthStudy.Raw).Select(row => { row["World"] = s.CeilingWorlds[w]; return row; })).ToList())),
        ];
    }

    private static IProductScorer[] PreviousDefaultScorer() => [new BayesScorer(new RankerOptions { FirstBandEdge = ImpressionBands.FirstEdge }, PreviousDefault)];

    /// <summary>
    /// One row per scorer: share, scorer, the mean of each metric (columns named by the metric) and, per metric, a "wins"
    /// column: without <paramref name="against"/>, the share of seeds on which the first scorer (the model) beat this
    /// one; with it, the share on which this scorer beat <paramref name="against"/>.
    /// </summary>
    private static IEnumerable<Dictionary<string, object?>> MeanRows(DepthReport report) => MeanRows(report, null);

    private static IEnumerable<Dictionary<string, object?>> MeanRows(DepthReport report, string? against)
    {
        foreach (var scorer in report.Scorers)
        {
            var row = new Dictionary<string, object?> { ["Share"] = report.Fraction, ["Scorer"] = scorer };
            foreach (var m in report.Metrics) row[m.Name] = report.Mean(scorer, m);
            foreach (var m in report.Metrics)
                row[$"wins {m.Name}"] = against is null
                    ? scorer == report.Scorers[0] ? null : report.WinRate(report.Scorers[0], scorer, m)
                    : scorer == against ? null : report.WinRate(scorer, against, m);
            row["Seeds"] = report.Seeds.Count;
            row["MeasuredProducts"] = report.MeasuredProducts;
            yield return row;
        }
    }

    /// <summary>Every scorer's value of every metric on every seed (long format, for charts of per-seed differences).</summary>
    private static IEnumerable<object> SeedRows(DepthReport report) =>
        from scorer in report.Scorers.Select((name, i) => (name, i))
        from metric in report.Metrics.Select((m, j) => (m, j))
        from seed in report.Seeds.Select((seed, k) => (seed, k))
        select new { Share = report.Fraction, Seed = seed.seed, Metric = metric.m.Name, Scorer = scorer.name, Value = report.Values[scorer.i][metric.j][seed.k] };

    private static Target JsonTarget(string name, string description, Dictionary<string, string> parameters, IReadOnlyList<string> files,
        Action<IReadOnlyList<ProductStats>, Action<string, object>> build) =>
        new(name, description, [RankingTargets.Input], [], parameters, Code, files.Select(OutputPath).ToList(), (ctx, _) =>
        {
            var products = ProductScoringLoader.Load(ctx.Input(RankingTargets.Input)).Products;
            build(products, (file, value) =>
            {
                if (!files.Contains(file)) throw new InvalidOperationException($"{name} writes {file}, which is not among its outputs.");
                Artifact.Write(ctx.Output(OutputPath(file)), value);
            });
            return Task.CompletedTask;
        });

    private static string Seeds(IReadOnlyList<int> seeds) => seeds.Count == 0 ? "none"
        : seeds.SequenceEqual(Enumerable.Range(seeds[0], seeds.Count)) ? $"{seeds[0]}..{seeds[^1]}" : string.Join(", ", seeds);
}
