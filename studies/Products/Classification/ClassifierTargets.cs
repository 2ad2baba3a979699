using Workbook.Products.Classification;
using Workbook.Products.Classification.MLNet;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// Notebook 02's evidence: one target per catalogue runs <see cref="ClassifierStudy"/> (starter and workbook model on
/// the same split, per-level and per-label scores, errors, the decoder re-tuned per metric) into
/// data/derived/classifier/&lt;catalogue&gt;/. One target per catalogue, so new data in one rebuilds only its own study.
/// </summary>
public static class ClassifierTargets
{
    /// <summary>
    /// Training products per catalogue: all of flipkart and germeval; myntra and cdiscount capped so each study takes
    /// seconds, not minutes (the full-size comparison is <c>bench classify</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, int> TrainCaps { get; } = new Dictionary<string, int>
    {
        ["flipkart-1050"] = 100000, ["germeval-blurbs"] = 100000, ["myntra-fashion"] = 10000, ["cdiscount"] = 15000,
    };

    /// <summary>
    /// ML.NET's trainers the studies run beside the model (on the same capped training products): L-BFGS maximum entropy
    /// per node, ML.NET's best per-node trainer in the prototypes; SDCA and LightGBM are in <c>bench classify</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, MLNetClassifierOptions> Peers { get; } = new Dictionary<string, MLNetClassifierOptions>
    {
        ["mlnet-lbfgs"] = new() { Trainer = MLNetTrainer.Lbfgs },
    };

    /// <summary>The split seed (80/10/10) and the model's seed.</summary>
    public const int Seed = 1;

    /// <summary>Where a catalogue's study writes <paramref name="file"/>, repository-relative.</summary>
    public static string OutputPath(string catalogue, string file) => $"data/derived/classifier/{catalogue}/{file}";

    /// <summary>The outputs, each a JSON artifact: the comparison rows, the model's full report, the re-tuned rows, the errors.</summary>
    public static readonly IReadOnlyList<string> Files = ["comparison.json", "model-report.json", "tuned.json", "errors.json"];

    // After TrainCaps and Files: static initialisers run in declaration order.
    public static IReadOnlyList<Target> All { get; } = TrainCaps.Select(kv => Study(kv.Key, kv.Value, Seed)).ToList();

    public static Target Study(string catalogue, int maxTrain, int seed)
    {
        var input = $"data/products/{catalogue}";
        return new Target(
            $"classifier-study-{catalogue}",
            $"starter baseline (ML.NET) and ML.NET's per-node peers vs the hierarchical classifier on {catalogue} (test split), metrics re-tuned per metric, errors",
            [input],
            [],
            new Dictionary<string, string> { ["maxTrain"] = $"{maxTrain}", ["seed"] = $"{seed}", ["peers"] = string.Join(",", Peers.Keys) },
            // The classifier and what it stands on (catalogue, tree, split); not lib/Products/Ranking.
            ["lib/Products/Classification", "lib/Products/Product.cs", "lib/Products/ProductCatalog.cs", "lib/Products/LabelTree.cs",
             "lib/Products/ProductSplit.cs", "lib/Products/NumpyRandomState.cs", "studies/Products/Classification", "mlnet/Products/Classification"],
            Files.Select(f => OutputPath(catalogue, f)).ToList(),
            (ctx, _) =>
            {
                var study = ClassifierStudy.Run(ctx.Input(input), maxTrain, seed, Peers);
                Artifact.Write(ctx.Output(OutputPath(catalogue, "comparison.json")), study.Comparison());
                Artifact.Write(ctx.Output(OutputPath(catalogue, "model-report.json")), study.Model);
                Artifact.Write(ctx.Output(OutputPath(catalogue, "tuned.json")), study.Tuned());
                Artifact.Write(ctx.Output(OutputPath(catalogue, "errors.json")), study.Errors);
                return Task.CompletedTask;
            });
    }
}
