using System.Numerics.Tensors;

namespace Workbook.Products.Classification;

/// <summary>A trained <see cref="HierarchicalClassifier"/>: predicts label sets with probabilities; saves to a versioned file.</summary>
public sealed class HierarchicalClassifierModel
{
    public LabelTree Tree { get; }
    public HierarchicalClassifierOptions Options { get; }
    public HierarchicalDecoder Decoder { get; }
    /// <summary>Free-form facts saved with the model (e.g. the split seed and the hash of the training data).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    internal float[]? Idf { get; }
    internal ParentClassifier[] Parents { get; }
    private readonly Dictionary<int, ParentClassifier> _byNode;
    private readonly ProductFeaturizer _featurizer;

    internal HierarchicalClassifierModel(LabelTree tree, HierarchicalClassifierOptions options, float[]? idf, ParentClassifier[] parents, HierarchicalDecoder decoder,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        Metadata = metadata ?? new Dictionary<string, string>();
        Tree = tree;
        Options = options;
        Idf = idf;
        Parents = parents;
        Decoder = decoder;
        _byNode = parents.ToDictionary(p => p.Node);
        _featurizer = new ProductFeaturizer(options, idf);
    }

    /// <summary>The same model with another decoder (thresholds).</summary>
    public HierarchicalClassifierModel WithDecoder(HierarchicalDecoder decoder) => new(Tree, Options, Idf, Parents, decoder, Metadata);

    /// <summary>The same model with extra metadata entries.</summary>
    public HierarchicalClassifierModel WithMetadata(IReadOnlyDictionary<string, string> entries) =>
        new(Tree, Options, Idf, Parents, Decoder, Metadata.Concat(entries).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>Label sets and probabilities, in input order.</summary>
    public IReadOnlyList<ProductPrediction> Predict(IReadOnlyList<Product> products)
    {
        var candidates = Explore(products);
        var result = new ProductPrediction[products.Count];
        Parallel.For(0, products.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, i =>
        {
            var set = Decoder.Decode(Tree, candidates[i]);
            var probabilities = candidates[i].OrderByDescending(c => c.Probability).Select(c => new LabelProbability(c.Label, c.Probability)).ToArray();
            result[i] = new ProductPrediction(set, probabilities);
        });
        return result;
    }

    /// <summary>
    /// Beam expansion from the root: the best node of every level and up to <c>BeamWidth</c> nodes above
    /// <c>ExploreThreshold</c> get their children scored. Costs a few small dot products per product instead of one
    /// per label of the tree.
    /// </summary>
    internal Candidate[][] Explore(IReadOnlyList<Product> products)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var x = _featurizer.Transform(products, Options.Threads);
        HierarchicalClassifier.Trace?.Invoke($"featurized {products.Count} in {watch.Elapsed.TotalMilliseconds:0} ms");
        var result = new Candidate[products.Count][];
        var maxChildren = Parents.Max(p => p.Children.Length);
        Parallel.For(0, products.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads },
            () => (Scores: new float[maxChildren], List: new List<Candidate>(64), Frontier: new List<Candidate>(64)),
            (i, _, s) => { result[i] = ExploreOne(x.Indices(i), x.Values(i), s.Scores, s.List, s.Frontier); return s; }, _ => { });
        HierarchicalClassifier.Trace?.Invoke($"explored {products.Count} in {watch.Elapsed.TotalMilliseconds:0} ms, {result.Average(r => r.Length):0} candidates each");
        return result;
    }

    private Candidate[] ExploreOne(ReadOnlySpan<int> index, ReadOnlySpan<float> value, float[] scores, List<Candidate> all, List<Candidate> frontier)
    {
        all.Clear();
        frontier.Clear();
        Expand(_byNode[-1], 1f, index, value, scores, all, frontier);
        while (frontier.Count > 0)
        {
            frontier.Sort((a, b) => b.Probability.CompareTo(a.Probability));
            var level = frontier.ToArray();
            frontier.Clear();
            for (var k = 0; k < level.Length && k < Options.BeamWidth; k++)
            {
                if (k > 0 && level[k].Probability < Options.ExploreThreshold) break;
                if (_byNode.TryGetValue(level[k].Label, out var parent))
                    Expand(parent, level[k].Probability, index, value, scores, all, frontier);
            }
        }
        return all.ToArray();
    }

    private static void Expand(ParentClassifier parent, float pathProbability, ReadOnlySpan<int> index, ReadOnlySpan<float> value,
        float[] scores, List<Candidate> all, List<Candidate> frontier)
    {
        var s = scores.AsSpan(0, parent.Children.Length);
        parent.Score(index, value, s);
        TensorPrimitives.Sigmoid(s, s);
        for (var c = 0; c < s.Length; c++)
        {
            var candidate = new Candidate(parent.Children[c], s[c] * pathProbability, s[c]);
            all.Add(candidate);
            frontier.Add(candidate);
        }
    }

    /// <summary>Writes the model atomically (temp file, then rename) in <see cref="ModelFile"/>'s versioned format.</summary>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>Reads a model; a file of another format version or a corrupt file is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static HierarchicalClassifierModel Load(string path) => ModelFile.Load(path);
}
