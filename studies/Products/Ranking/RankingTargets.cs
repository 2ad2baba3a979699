using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>The knobs of notebook 03's studies; <see cref="RankingTargets.All"/> uses the defaults, tests shrink them.</summary>
public sealed record RankingStudySettings
{
    /// <summary>Thinning seeds 0..n-1: the report seeds, which played no part in any choice.</summary>
    public int ReportSeeds { get; init; } = 30;

    /// <summary>Seeds 0..n-1 of the calibration and top-K disagreement diagnostics (each seed fits several priors).</summary>
    public int DiagnosticSeeds { get; init; } = 6;

    /// <summary>The cut-off of NDCG@K and revenue@K.</summary>
    public int K { get; init; } = 100;

    /// <summary>Ranges of recorded views (edges) of the click-count table.</summary>
    public IReadOnlyList<long> ClickCountEdges { get; init; } = [20, 24, 28, 32, 40, 48, 64, 128];

    /// <summary>Products in either top N by raw CTR x CPC or by the model, for the rank-against-rank scatter.</summary>
    public int RankComparisonTop { get; init; } = 1000;
}

/// <summary>
/// Notebook 03's evidence, one target per question, all read from data/ranking/product_scoring.csv and written to
/// data/derived/ranking/: the data profile, the default model fitted on the whole file, the offline evaluation (report seeds), calibration, top-K disagreement, the free-shape prior,
/// and the streaming ranker's scores file.
/// </summary>
public static class RankingTargets
{
    public const string Input = "data/ranking/product_scoring.csv";
    private const string Folder = "data/derived/ranking";

    /// <summary>The code every ranking study runs: the ranker and the analyses.</summary>
    private static readonly IReadOnlyList<string> Code = ["lib/Products/Ranking", "studies/Products/Ranking"];

    public static IReadOnlyList<Target> All { get; } = Create(new RankingStudySettings());

    public static string OutputPath(string file) => $"{Folder}/{file}";

    public static IReadOnlyList<Target> Create(RankingStudySettings s)
    {
        var defaults = new RankerOptions();
        var reportSeeds = OfflineEvaluation.Seeds(s.ReportSeeds);
        var diagnosticSeeds = OfflineEvaluation.Seeds(s.DiagnosticSeeds);
        return
        [
            JsonTarget("ranking-data-profile", "profile of product_scoring.csv, pooled CTR by impressions band, click counts at low exposure",
                new() { ["bands"] = $"{defaults.ImpressionBands}", ["firstEdgeQuantile"] = $"{defaults.FirstEdgeQuantile}", ["clickCountEdges"] = Join(s.ClickCountEdges) },
                ["profile.json", "ctr-by-band.json", "click-counts.json"],
                (data, write) =>
                {
                    var products = data.Products;
                    write("profile.json", RankingAnalysis.Profile(products).Facts().Prepend((Fact: "rows rejected by the loader", Value: $"{data.Rejects.Count}"))
                        .Select(f => new { f.Fact, f.Value }).ToList());
                    // The default model's bands on the whole file: the first edge is the 28% quantile of its recorded views.
                    write("ctr-by-band.json", RankingAnalysis.CtrByBand(products, defaults.ImpressionBands, RankingAnalysis.ResolvedFirstEdge(products, defaults)));
                    write("click-counts.json", RankingAnalysis.ClickCountsByViews(products, s.ClickCountEdges));
                }),
            JsonTarget("ranking-model", "the default ranker fitted on the whole file: band priors, category multipliers, its order against raw CTR x CPC",
                new() { ["options"] = $"{defaults}", ["rankComparisonTop"] = $"{s.RankComparisonTop}", ["k"] = $"{s.K}" },
                ["band-priors.json", "category-levels.json", "rank-pairs.json", "model-summary.json"],
                (data, write) =>
                {
                    var products = data.Products;
                    var model = ProductRanker.Fit(products, defaults);
                    var singleBeta = ProductRanker.Fit(products, defaults with { Prior = PriorFamily.Beta });
                    var pooled = ProductRanker.Fit(products, defaults with { CategoryPooling = true });
                    var ranked = model.Rank(products);
                    var pairs = RankingAnalysis.RawVersusModelRank(products, ranked, s.RankComparisonTop);
                    write("band-priors.json", RankingAnalysis.BandPriors(model, singleBeta));
                    write("category-levels.json", pooled.Categories.Where(c => c.ViewedProducts > 0).ToList());
                    write("rank-pairs.json", pairs);
                    // The numbers the prose quotes; a flat name -> number map, read with Artifact.Read<Dictionary<string, double>>.
                    write("model-summary.json", new Dictionary<string, double>
                    {
                        ["Products"] = products.Count,
                        ["CategoryTau"] = pooled.CategoryTau,
                        ["TopK"] = s.K,
                        ["SharedTopK"] = pairs.Count(p => p.RawRank <= s.K && p.ModelRank <= s.K),
                    });
                }),
            JsonTarget("ranking-evaluation", "offline evaluation of the default, its variants, the previous default and the baselines on the report seeds (K and whole list)",
                new() { ["seeds"] = $"0..{s.ReportSeeds - 1}", ["k"] = $"{s.K}, whole list", ["options"] = $"{defaults}", ["previous"] = $"{RankingAnalysis.PreviousDefault}",
                    ["scorers"] = string.Join("; ", EvaluatedScorers(defaults).Select(x => x.Name)) },
                ["evaluation.json"],
                // One run, two cut-offs (each scorer fits once per seed); the list holds the report at K, then the whole list's.
                (data, write) => write("evaluation.json", OfflineEvaluation.Run(data.Products,
                    SharedPriorFits.Attach([.. EvaluatedScorers(defaults), new BayesScorer(RankingAnalysis.PreviousDefault, RankingAnalysis.PreviousDefaultName)]),
                    reportSeeds, [s.K, int.MaxValue]))),
            JsonTarget("ranking-calibration", "training-half evidence against held-out CTR under the Beta, zero-inflated and hot-mixture priors",
                new() { ["seeds"] = $"0..{s.DiagnosticSeeds - 1}", ["options"] = $"{defaults}" },
                ["calibration.json"],
                (data, write) => write("calibration.json", RankingAnalysis.HeldOutCalibration(data.Products, defaults, diagnosticSeeds))),
            JsonTarget("ranking-top-disagreement", "products only the model (previous default, then default) or only raw CTR x CPC puts in its top K",
                new() { ["seeds"] = $"0..{s.DiagnosticSeeds - 1}", ["k"] = $"{s.K}", ["options"] = $"{defaults}", ["previous"] = $"{RankingAnalysis.PreviousDefault}" },
                ["top-disagreement.json"],
                (data, write) =>
                {
                    IEnumerable<TopDisagreement> Rows(RankerOptions options, string name) =>
                        RankingAnalysis.TopKDisagreement(data.Products, options, diagnosticSeeds, s.K).Select(r => r with { OnlyIn = r.OnlyIn.Replace("model", name) });
                    write("top-disagreement.json", Rows(RankingAnalysis.PreviousDefault, "previous model (hot mixture, first edge 32)")
                        .Concat(Rows(defaults, "default model (zero-inflated, first edge at the 28% views quantile)")).ToList());
                }),
            JsonTarget("ranking-nonparametric", "the free-shape (NPMLE) band prior, with the default bands and the previous ones, against raw CTR x CPC on the report seeds",
                new() { ["seeds"] = $"0..{s.ReportSeeds - 1}", ["k"] = $"{s.K}", ["bands"] = $"{defaults.ImpressionBands} from {defaults.FirstBandEdge}; {RankingAnalysis.PreviousDefault.ImpressionBands} from {RankingAnalysis.PreviousDefault.FirstBandEdge}" },
                ["nonparametric.json"],
                (data, write) => write("nonparametric.json", OfflineEvaluation.Run(data.Products,
                    [
                        new NonparametricPriorScorer(defaults.ImpressionBands, FirstBandEdge: defaults.FirstBandEdge),
                        new NonparametricPriorScorer(RankingAnalysis.PreviousDefault.ImpressionBands, FirstBandEdge: RankingAnalysis.PreviousDefault.FirstBandEdge,
                            Name: "nonparametric ML prior per band (NPMLE), bands from 32 views"),
                        new RawCtrScorer(),
                    ], reportSeeds, s.K))),
            new Target("ranking-scores", "the streaming ranker (rank) run on the real file: every product's score, best first",
                [Input], [], new Dictionary<string, string> { ["options"] = $"{defaults}" }, Code,
                [OutputPath("scores.csv"), OutputPath("scores.rejects.csv"), OutputPath("scores.csv.provenance.json")],
                (ctx, _) =>
                {
                    var output = ctx.Output(OutputPath("scores.csv"));
                    // Rejects and provenance land beside the output, under their conventional names (listed in Outputs).
                    StreamingRanker.Run(ctx.Input(Input), output, defaults);
                    return Task.CompletedTask;
                }),
        ];
    }

    /// <summary>
    /// A target that loads the scoring file once and writes its JSON artifacts: <c>build(data, write)</c>, where
    /// <c>write(file, value)</c> writes data/derived/ranking/<c>file</c> (one of <paramref name="files"/>).
    /// </summary>
    private static Target JsonTarget(string name, string description, Dictionary<string, string> parameters, IReadOnlyList<string> files,
        Action<ProductScoringData, Action<string, object>> build) =>
        new(name, description, [Input], [], parameters, Code, files.Select(OutputPath).ToList(), (ctx, _) =>
        {
            var data = ProductScoringLoader.Load(ctx.Input(Input));
            build(data, (file, value) =>
            {
                if (!files.Contains(file)) throw new InvalidOperationException($"{name} writes {file}, which is not among its outputs.");
                Artifact.Write(ctx.Output(OutputPath(file)), value);
            });
            return Task.CompletedTask;
        });

    /// <summary>
    /// The standard scorers but the hot mixture: its fit costs more than all the others together, and the depth study's
    /// table of variants tried (selection seeds, five depths, two shares) is where it is compared.
    /// </summary>
    internal static IReadOnlyList<IProductScorer> EvaluatedScorers(RankerOptions defaults) =>
        OfflineEvaluation.StandardScorers(defaults).Where(x => x is not BayesScorer { Options.Prior: PriorFamily.HotMixture }).ToList();

    private static string Join<T>(IEnumerable<T> xs) => string.Join(", ", xs);
}
