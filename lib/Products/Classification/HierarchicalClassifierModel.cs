using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.ExceptionServices;

namespace Workbook.Products.Classification;

/// <summary>A trained <see cref="HierarchicalClassifier"/>: predicts label sets with probabilities; saves to a versioned file.</summary>
public sealed class HierarchicalClassifierModel
{
    public LabelTree Tree { get; }
    public HierarchicalClassifierOptions Options { get; }
    internal HierarchicalDecoder Decoder { get; }
    /// <summary>Free-form facts saved with the model (e.g. the split seed and the hash of the training data).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    internal float[]? Idf { get; }
    internal ParentClassifier[] Parents { get; }
    /// <summary>The classifier of each label's children at [label + 1] (the virtual root at 0), null for leaves.</summary>
    private readonly ParentClassifier?[] _byLabel;
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
        _byLabel = new ParentClassifier?[tree.Count + 1];
        foreach (var p in parents) _byLabel[p.Node + 1] = p;
        _featurizer = new ProductFeaturizer(options, idf);
    }

    /// <summary>The same model with another decoder (thresholds).</summary>
    internal HierarchicalClassifierModel WithDecoder(HierarchicalDecoder decoder) => new(Tree, Options, Idf, Parents, decoder, Metadata);

    /// <summary>The same model with its decoding thresholds re-tuned on <paramref name="validation"/> for <paramref name="metric"/>.</summary>
    internal HierarchicalClassifierModel TuneDecoder(IReadOnlyList<Product> validation, ThresholdMetric metric) =>
        WithDecoder(HierarchicalDecoder.Tune(this, validation.Where(p => p.Labels.Count > 0).ToList(), metric));

    /// <summary>The same model predicting with another number of threads (results do not depend on it).</summary>
    public HierarchicalClassifierModel WithThreads(int threads) => new(Tree, Options with { Threads = threads }, Idf, Parents, Decoder, Metadata);

    /// <summary>The same model with extra metadata entries.</summary>
    public HierarchicalClassifierModel WithMetadata(IReadOnlyDictionary<string, string> entries) =>
        new(Tree, Options, Idf, Parents, Decoder, Metadata.Concat(entries).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>Label sets and probabilities, in input order.</summary>
    public IReadOnlyList<ProductPrediction> Predict(IReadOnlyList<Product> products)
    {
        var result = new ProductPrediction[products.Count];
        ForEachProduct(products, (i, candidates) => result[i] = ToPrediction(candidates));
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ProductPrediction ToPrediction(Candidate[] candidates)
    {
        var set = Decoder.Decode(Tree, candidates);
        // Most probable first, sorted on a float key (a comparison delegate costs several times more).
        Span<float> keys = candidates.Length <= 1024 ? stackalloc float[candidates.Length] : new float[candidates.Length];
        for (var c = 0; c < candidates.Length; c++) keys[c] = -candidates[c].Probability;
        keys.Sort(candidates.AsSpan());
        var probabilities = new LabelProbability[candidates.Length];
        for (var c = 0; c < candidates.Length; c++) probabilities[c] = new LabelProbability(candidates[c].Label, candidates[c].Probability);
        return new ProductPrediction(set, probabilities);
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

    /// <summary>Featurises every product and throws the features away: the featuriser's share of <see cref="Predict"/>, for the benchmark.</summary>
    internal long FeaturizeOnly(IReadOnlyList<Product> products)
    {
        var scratch = new List<int>(512);
        long n = 0;
        foreach (var p in products) n += _featurizer.Featurize(p, scratch).Index.Length;
        return n;
    }

    /// <summary>
    /// Featurises and explores each product in one pass, over contiguous ranges handed out from a counter. Plain
    /// threads that block when done, not the thread pool: its workers spin while looking for more work, which on a
    /// busy machine burns a third of the CPU time this loop uses.
    /// </summary>
    private void ForEachProduct(IReadOnlyList<Product> products, Action<int, Candidate[]> consume)
    {
        var maxChildren = Parents.Max(p => p.Table.PaddedK);
        var chunk = Math.Max(64, products.Count / (Options.Threads * 8) + 1);
        var chunks = (products.Count + chunk - 1) / chunk;
        var next = -1;
        ExceptionDispatchInfo? failure = null;
        void Work()
        {
            try
            {
                var scores = new float[maxChildren];
                for (int c; (c = Interlocked.Increment(ref next)) < chunks;)
                    ExploreRange(products, c * chunk, Math.Min(products.Count, (c + 1) * chunk), scores, consume);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                next = chunks; // the others stop at their next range
            }
        }
        var helpers = Enumerable.Range(0, Math.Max(0, Math.Min(Options.Threads, chunks) - 1)).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        helpers.ForEach(t => t.Start());
        Work();
        helpers.ForEach(t => t.Join());
        failure?.Throw();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExploreRange(IReadOnlyList<Product> products, int from, int to, float[] scores, Action<int, Candidate[]> consume)
    {
        var all = new List<Candidate>(256);
        var beam = new int[Options.BeamWidth];
        var scratch = new List<int>(512);
        // One product ahead: featurise it and start loading its root rows (every product scores the root) while
        // this one is scored, so those misses overlap with useful work.
        var root = _byLabel[0]!.Table;
        var next = from < to ? _featurizer.Featurize(products[from], scratch) : default;
        for (var i = from; i < to; i++)
        {
            var (index, value) = next;
            if (i + 1 < to)
            {
                next = _featurizer.Featurize(products[i + 1], scratch);
                root.Prefetch(next.Index);
            }
            consume(i, ExploreOne(index, value, scores, all, beam));
        }
    }

    /// <summary>
    /// Level by level from the root: of the children just scored, the best (always) and the next ones above
    /// <c>ExploreThreshold</c>, up to <c>BeamWidth</c>, get their own children scored. A selection, not a sort: the
    /// beam is a handful of nodes out of up to hundreds of candidates (ties go to the earlier child).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Candidate[] ExploreOne(ReadOnlySpan<int> index, ReadOnlySpan<float> value, float[] scores, List<Candidate> all, int[] beam)
    {
        all.Clear();
        Expand(_byLabel[0]!, 1f, index, value, scores, all);
        for (var start = 0; start < all.Count;)
        {
            var end = all.Count;
            var chosen = 0;
            for (; chosen < beam.Length; chosen++)
            {
                var best = -1;
                var bestP = -1f;
                var (previous, previousP) = chosen == 0 ? (-1, float.PositiveInfinity) : (beam[chosen - 1], all[beam[chosen - 1]].Probability);
                for (var c = start; c < end; c++)
                {
                    var p = all[c].Probability;
                    // Strictly after the previous pick in (probability descending, position ascending) order.
                    if ((p < previousP || p == previousP && c > previous) && p > bestP) { best = c; bestP = p; }
                }
                if (best < 0 || chosen > 0 && bestP < Options.ExploreThreshold) break;
                beam[chosen] = best;
            }
            // Start loading the other beam nodes' rows while the first is scored.
            for (var k = 1; k < chosen; k++)
                _byLabel[all[beam[k]].Label + 1]?.Table.Prefetch(index);
            for (var k = 0; k < chosen; k++)
            {
                var candidate = all[beam[k]];
                if (_byLabel[candidate.Label + 1] is { } parent)
                    Expand(parent, candidate.Probability, index, value, scores, all);
            }
            start = end;
        }
        return all.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Expand(ParentClassifier parent, float pathProbability, ReadOnlySpan<int> index, ReadOnlySpan<float> value,
        float[] scores, List<Candidate> all)
    {
        parent.Score(index, value, scores);
        var s = scores.AsSpan(0, parent.Children.Length);
        if (parent.Softmax) TensorPrimitives.SoftMax(s, s);
        else TensorPrimitives.Sigmoid(s, s);
        for (var c = 0; c < s.Length; c++) all.Add(new Candidate(parent.Children[c], s[c] * pathProbability, s[c]));
    }

    /// <summary>Writes the model atomically (temp file, then rename) in <see cref="ModelFile"/>'s versioned format.</summary>
    public void Save(string path) => ModelFile.Save(this, path);

    /// <summary>Reads a model; a file of another format version or a corrupt file is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static HierarchicalClassifierModel Load(string path) => ModelFile.Load(path);
}
