using Workbook.Products;
using Workbook.Products.Classification;
using Workbook.Products.Classification.MLNet;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// Notebook 02's evidence: per catalogue, <see cref="ClassifierStudy"/> (starter and workbook model on the same split,
/// per-level and per-label scores, errors, the decoder re-tuned per metric) and <see cref="FixedSplitStudy"/> (the
/// workbook beside its peers on the fixed 80/20 split) into data/derived/classifier/&lt;catalogue&gt;/, and ML.NET's
/// per-node peers into data/derived/classifier-mlnet/&lt;catalogue&gt;/ (not made by `report`). One target per
/// catalogue and study, so new data in one rebuilds only its own.
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

    /// <summary>The classifier and what it stands on (catalogue, tree, split); not lib/Products/Ranking.</summary>
    private static readonly string[] ClassifierCode = ["lib/Products/Classification", "lib/Products/Product.cs", "lib/Products/ProductCatalog.cs",
        "lib/Products/LabelTree.cs", "lib/Products/ProductSplit.cs", "lib/Products/NumpyRandomState.cs"];

    /// <summary>Where a catalogue's ML.NET peers write their rows: outside data/derived/classifier/, so notebook 02 does not make them on `report`.</summary>
    public static string PeersPath(string catalogue) => $"data/derived/classifier-mlnet/{catalogue}/peers.json";

    // After TrainCaps and Files: static initialisers run in declaration order.
    public static IReadOnlyList<Target> All { get; } =
    [
        .. TrainCaps.Select(kv => Study(kv.Key, kv.Value, Seed)),
        .. TrainCaps.Keys.Select(FixedSplit),
        .. TrainCaps.Select(kv => MLNetPeers(kv.Key, kv.Value, Seed)),
    ];

    /// <summary>
    /// The workbook's model on the fixed 80/20 split as `classify train` trains it, beside the peers' recorded rows
    /// (<see cref="FixedSplitStudy"/>): notebook 02's "ahead of every peer" table.
    /// </summary>
    public static Target FixedSplit(string catalogue)
    {
        var input = $"data/products/{catalogue}";
        var output = OutputPath(catalogue, "fixed-split.json");
        return new Target(
            $"classifier-split-{catalogue}",
            $"the hierarchical classifier as `classify train` trains it on {catalogue}'s fixed 80/20 split, beside the recorded TF-IDF + LR and fastText peers",
            [input],
            [],
            new Dictionary<string, string> { ["split"] = $"starter 80/20, seed {ProductSplit.StarterSeed}" },
            [.. ClassifierCode, "studies/Products/Classification/FixedSplitStudy.cs", FixedSplitStudy.PeersFile],
            [output],
            (ctx, _) =>
            {
                Artifact.Write(ctx.Output(output), FixedSplitStudy.Run(ctx.Input(input), Path.Combine(ctx.Root, FixedSplitStudy.PeersFile)));
                return Task.CompletedTask;
            });
    }

    /// <summary>
    /// ML.NET's per-node peers on the study's split (minutes on cdiscount): not made by `report`; notebook 02 shows their
    /// rows when this target was built (`dotnet run -- make classifier-mlnet-&lt;catalogue&gt;`).
    /// </summary>
    public static Target MLNetPeers(string catalogue, int maxTrain, int seed)
    {
        var input = $"data/products/{catalogue}";
        return new Target(
            $"classifier-mlnet-{catalogue}",
            $"ML.NET's per-node peers (L-BFGS maximum entropy) on {catalogue}, the study's split and training products",
            [input],
            [],
            new Dictionary<string, string> { ["maxTrain"] = $"{maxTrain}", ["seed"] = $"{seed}", ["peers"] = string.Join(",", Peers.Keys) },
            [.. ClassifierCode, "studies/Products/Classification/ClassifierStudy.cs", "mlnet/Products/Classification"],
            [PeersPath(catalogue)],
            (ctx, _) =>
            {
                Artifact.Write(ctx.Output(PeersPath(catalogue)), ClassifierStudy.RunPeers(ctx.Input(input), maxTrain, seed, Peers));
                return Task.CompletedTask;
            });
    }

    public static Target Study(string catalogue, int maxTrain, int seed)
    {
        var input = $"data/products/{catalogue}";
        return new Target(
            $"classifier-study-{catalogue}",
            $"starter baseline (ML.NET) vs the hierarchical classifier on {catalogue} (test split), metrics re-tuned per metric, errors",
            [input],
            [],
            new Dictionary<string, string> { ["maxTrain"] = $"{maxTrain}", ["seed"] = $"{seed}" },
            [.. ClassifierCode, "studies/Products/Classification/ClassifierStudy.cs", "mlnet/Products/Classification"],
            Files.Select(f => OutputPath(catalogue, f)).ToList(),
            (ctx, _) =>
            {
                var study = ClassifierStudy.Run(ctx.Input(input), maxTrain, seed);
                Artifact.Write(ctx.Output(OutputPath(catalogue, "comparison.json")), study.Comparison());
                Artifact.Write(ctx.Output(OutputPath(catalogue, "model-report.json")), study.Model);
                Artifact.Write(ctx.Output(OutputPath(catalogue, "tuned.json")), study.Tuned());
                Artifact.Write(ctx.Output(OutputPath(catalogue, "errors.json")), study.Errors);
                return Task.CompletedTask;
            });
    }
}
