using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using Workbook.Reports;

namespace Workbook.Products.Classification.MLNet;

/// <summary>ML.NET's multiclass trainers a tree node can use.</summary>
public enum MLNetTrainer { Lbfgs, Sdca, LightGbm }

/// <summary>
/// Knobs of <see cref="MLNetHierarchicalClassifier"/>. <see cref="Trainer"/> trains every node; <see cref="RootTrainer"/>,
/// when set, only the root (e.g. LightGBM at the root, L-BFGS below). Null regularisation means the trainer's default.
/// </summary>
public sealed record MLNetClassifierOptions
{
    public MLNetTrainer Trainer { get; init; } = MLNetTrainer.Lbfgs;
    public MLNetTrainer? RootTrainer { get; init; }
    public TextFeaturizerOptions Features { get; init; } = new();
    /// <summary>L-BFGS L2 / L1 weights (ML.NET defaults 1 and 1); SDCA's L2 (default: chosen by the trainer).</summary>
    public float? L2 { get; init; }
    public float? L1 { get; init; }
    public int? SdcaIterations { get; init; }
    public int Threads { get; init; }
    public int Seed { get; init; } = 1;

    public string Name => (RootTrainer is { } r ? $"{Label(r)} root + " : "") + Label(Trainer) + " per node";
    private static string Label(MLNetTrainer t) => t switch { MLNetTrainer.Lbfgs => "L-BFGS maxent", MLNetTrainer.Sdca => "SDCA maxent", _ => "LightGBM" };
}

/// <summary>
/// ML.NET as a hierarchical classifier, the shape the workbook's own model has: one multiclass model per parent node
/// over its children (the products under the node, one row per child they carry), features from ML.NET's
/// <c>FeaturizeText</c>, and one root-to-leaf path per product, decoded greedily (the most probable child at each
/// node). A node whose training products all go to one child predicts it without a model. The root trains with all
/// threads; the other nodes train in parallel, one thread each.
/// </summary>
public sealed class MLNetHierarchicalClassifier(MLNetClassifierOptions? options = null)
{
    private readonly MLNetClassifierOptions _options = options ?? new MLNetClassifierOptions();

    /// <summary>The virtual root's node id (the tree's level-1 labels are its children).</summary>
    public const int Root = -1;

    public MLNetHierarchicalModel Fit(IReadOnlyList<Product> train, LabelTree tree, CancellationToken cancel = default)
    {
        var featurizer = MLNetFeaturizer.Fit(train, _options.Features, _options.Seed);
        var x = featurizer.Transform(train);
        cancel.ThrowIfCancellationRequested();
        // Rows per node: (product, child) for every child of the node the product carries.
        var rows = new Dictionary<int, List<(int Product, int Child)>>();
        for (var i = 0; i < train.Count; i++)
            foreach (var label in train[i].Labels)
            {
                var parent = tree.Parent(label) is var p && p >= 0 ? p : Root;
                if (parent != Root && !train[i].Labels.Contains(parent)) continue;
                if (!rows.TryGetValue(parent, out var list)) rows[parent] = list = [];
                list.Add((i, label));
            }
        var threads = _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;
        var nodes = new System.Collections.Concurrent.ConcurrentDictionary<int, NodeModel>();
        NodeModel Train(int node, List<(int Product, int Child)> data, int nodeThreads)
        {
            var children = data.Select(r => r.Child).Distinct().Order().ToArray();
            if (children.Length == 1) return new NodeModel(children, null);
            var key = children.Select((c, k) => (c, k)).ToDictionary(t => t.c, t => (uint)t.k);
            var ml = new MLContext(_options.Seed + node + 1);
            var view = FeatureViews.Keyed(ml, data.Select(r => new FeatureViews.KeyRow { Features = x[r.Product], Label = key[r.Child] }),
                featurizer.Dimension, children.Length);
            var trainer = node == Root && _options.RootTrainer is { } rootTrainer ? rootTrainer : _options.Trainer;
            return new NodeModel(children, Trainer(ml, trainer, nodeThreads).Fit(view));
        }
        if (rows.Remove(Root, out var rootRows)) nodes[Root] = Train(Root, rootRows, threads);
        Parallel.ForEach(rows.OrderByDescending(kv => kv.Value.Count), new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel },
            kv => nodes[kv.Key] = Train(kv.Key, kv.Value, 1));
        return new MLNetHierarchicalModel(tree, featurizer, new Dictionary<int, NodeModel>(nodes), _options);
    }

    private IEstimator<ITransformer> Trainer(MLContext ml, MLNetTrainer trainer, int threads) => trainer switch
    {
        MLNetTrainer.Lbfgs => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = _options.L2 ?? 1, L1Regularization = _options.L1 ?? 1, NumberOfThreads = threads,
        }),
        MLNetTrainer.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = _options.L2, MaximumNumberOfIterations = _options.SdcaIterations, NumberOfThreads = threads,
        }),
        _ => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            NumberOfThreads = threads, Seed = _options.Seed, Silent = true,
        }),
    };
}

/// <summary>A node's children (predicted key k+1 is Children[k]) and its model (null: a single child, always predicted).</summary>
internal sealed record NodeModel(int[] Children, ITransformer? Model);

/// <summary>A trained <see cref="MLNetHierarchicalClassifier"/>: predicts one root-to-leaf path per product, closed under ancestors.</summary>
public sealed class MLNetHierarchicalModel
{
    private readonly LabelTree _tree;
    private readonly MLNetFeaturizer _featurizer;
    private readonly IReadOnlyDictionary<int, NodeModel> _nodes;
    public MLNetClassifierOptions Options { get; }
    public int Models => _nodes.Values.Count(n => n.Model is not null);

    internal MLNetHierarchicalModel(LabelTree tree, MLNetFeaturizer featurizer, IReadOnlyDictionary<int, NodeModel> nodes, MLNetClassifierOptions options)
    {
        _tree = tree;
        _featurizer = featurizer;
        _nodes = nodes;
        Options = options;
    }

    public IReadOnlyList<IReadOnlySet<int>> Predict(IReadOnlyList<Product> products)
    {
        var x = _featurizer.Transform(products);
        var sets = products.Select(_ => new HashSet<int>()).ToArray();
        var at = Enumerable.Repeat(MLNetHierarchicalClassifier.Root, products.Count).ToArray();
        var active = Enumerable.Range(0, products.Count).ToList();
        // Level by level: the products at each node go through its model together.
        while (active.Count > 0)
        {
            var next = new List<int>();
            foreach (var group in active.GroupBy(i => at[i]))
            {
                if (!_nodes.TryGetValue(group.Key, out var node)) continue; // a leaf, or a node no training product went below
                var members = group.ToArray();
                uint[] keys;
                if (node.Model is null) keys = Enumerable.Repeat(1u, members.Length).ToArray();
                else
                {
                    var ml = new MLContext(1);
                    var view = node.Model.Transform(FeatureViews.Features(ml, members.Select(i => x[i]), _featurizer.Dimension));
                    keys = FeatureViews.Column<uint>(view, "PredictedLabel");
                }
                for (var m = 0; m < members.Length; m++)
                {
                    var child = node.Children[(int)keys[m] - 1];
                    sets[members[m]].Add(child);
                    at[members[m]] = child;
                    next.Add(members[m]);
                }
            }
            active = next;
        }
        return sets.Select(s => (IReadOnlySet<int>)_tree.Closure(s)).ToList();
    }

    /// <summary>
    /// Saves the model as one zip: a manifest (options, node ids and children), the featurizer's ML.NET model
    /// (featurizer.zip) and each node's (node&lt;id&gt;.zip, over the featurizer's output). Nothing loads it back yet:
    /// it is what the AutoML refit leaves for inspection and lineage.
    /// </summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, temp =>
        {
            using var zip = ZipFile.Open(temp, ZipArchiveMode.Create);
            var manifest = new
            {
                Options.Name, Options.Trainer, Options.RootTrainer, Options.Features, Options.L2, Options.L1, Options.SdcaIterations,
                FeatureDimension = _featurizer.Dimension,
                Nodes = _nodes.OrderBy(kv => kv.Key).Select(kv => new { Node = kv.Key, kv.Value.Children, HasModel = kv.Value.Model is not null }),
            };
            using (var s = zip.CreateEntry("manifest.json").Open())
                System.Text.Json.JsonSerializer.Serialize(s, manifest);
            using (var s = zip.CreateEntry("featurizer.zip", CompressionLevel.NoCompression).Open())
                _featurizer.Save(s);
            var ml = new MLContext(1);
            var schema = FeatureViews.Features(ml, [], _featurizer.Dimension).Schema;
            foreach (var (node, model) in _nodes.Where(kv => kv.Value.Model is not null).OrderBy(kv => kv.Key))
            {
                using var s = zip.CreateEntry($"node{node}.zip", CompressionLevel.NoCompression).Open();
                ml.Model.Save(model.Model!, schema, s);
            }
        });
    }
}
