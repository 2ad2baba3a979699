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

    /// <summary>The same model with its decoding thresholds re-tuned on <paramref name="validation"/> for <paramref name="metric"/>.</summary>
    public HierarchicalClassifierModel TuneDecoder(IReadOnlyList<Product> validation, ThresholdMetric metric) =>
        WithDecoder(HierarchicalDecoder.Tune(this, validation.Where(p => p.Labels.Count > 0).ToList(), metric));

    /// <summary>The same model with extra metadata entries.</summary>
    public HierarchicalClassifierModel WithMetadata(IReadOnlyDictionary<string, string> entries) =>
        new(Tree, Options, Idf, Parents, Decoder, Metadata.Concat(entries).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>Label sets and probabilities, in input order.</summary>
    public IReadOnlyList<ProductPrediction> Predict(IReadOnlyList<Product> products)
    {
        var result = new ProductPrediction[products.Count];
        ForEachProduct(products, (i, candidates) =>
        {
            var set = Decoder.Decode(Tree, candidates);
            Array.Sort(candidates, (a, b) => b.Probability.CompareTo(a.Probability));
            result[i] = new ProductPrediction(set, candidates.Select(c => new LabelProbability(c.Label, c.Probability)).ToArray());
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
        var result = new Candidate[products.Count][];
        ForEachProduct(products, (i, candidates) => result[i] = candidates);
        return result;
    }

    /// <summary>Featurises and explores each product in one pass, over contiguous ranges (few hand-offs between threads).</summary>
    private void ForEachProduct(IReadOnlyList<Product> products, Action<int, Candidate[]> consume)
    {
        var maxChildren = Parents.Max(p => p.Children.Length);
        var ranges = System.Collections.Concurrent.Partitioner.Create(0, products.Count, Math.Max(64, products.Count / (Options.Threads * 8) + 1));
        Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, range =>
        {
            var scores = new float[maxChildren];
            var all = new List<Candidate>(64);
            var frontier = new List<Candidate>(64);
            var level = new List<Candidate>(64);
            var scratch = new List<int>(512);
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var (index, value) = _featurizer.Featurize(products[i], scratch);
                consume(i, ExploreOne(index, value, scores, all, frontier, level));
            }
        });
    }

    private static readonly Comparison<Candidate> ByProbabilityDescending = (a, b) => b.Probability.CompareTo(a.Probability);

    private Candidate[] ExploreOne(ReadOnlySpan<int> index, ReadOnlySpan<float> value, float[] scores, List<Candidate> all, List<Candidate> frontier, List<Candidate> level)
    {
        all.Clear();
        frontier.Clear();
        level.Clear();
        Expand(_byNode[-1], 1f, index, value, scores, all, frontier);
        while (frontier.Count > 0)
        {
            frontier.Sort(ByProbabilityDescending);
            (level, frontier) = (frontier, level);
            frontier.Clear();
            for (var k = 0; k < level.Count && k < Options.BeamWidth; k++)
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
