using System.Text.RegularExpressions;

namespace Workbook.Products.Classification;

/// <summary>
/// The take-home's draft.py, reproduced: scikit-learn <c>CountVectorizer</c> (lower-cased tokens of two or more word
/// characters, raw counts) over name and description, one-vs-rest logistic regression (L2, C = 1) on the level-2
/// labels only, a label predicted when its probability exceeds 0.5, scored by exact-match accuracy of the level-2
/// set. The optimiser is AdaGrad instead of lbfgs (same objective, far fewer passes); the model is the yardstick.
/// </summary>
internal sealed partial class StarterBaseline(int level = 2, int epochs = 5, int seed = 112358, int threads = 0)
{
    [GeneratedRegex(@"\b\w\w+\b")]
    private static partial Regex Token();

    /// <summary>The text draft.py vectorises.</summary>
    internal static string Text(Product p) => p.Name + " " + p.Description;

    public StarterBaselineModel Fit(IReadOnlyList<Product> train, LabelTree tree)
    {
        var labels = tree.AtLevel(level).ToArray();
        var column = labels.Select((l, i) => (l, i)).ToDictionary(t => t.l, t => t.i);
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokens = train.Select(p => Token().Matches(Text(p).ToLowerInvariant()).Select(m => m.Value).ToArray()).ToArray();
        foreach (var t in tokens.SelectMany(t => t))
            vocabulary.TryAdd(t, vocabulary.Count);
        var x = StarterBaselineModel.Counts(tokens, vocabulary);
        var examples = Enumerable.Range(0, train.Count).ToArray();
        var positives = train.Select(p => p.Labels.Where(column.ContainsKey).Select(l => column[l]).ToArray()).ToArray();
        var threadCount = threads > 0 ? threads : Environment.ProcessorCount;
        // Labels are independent (one-vs-rest), so columns are cut into blocks trained in parallel.
        var pieces = Math.Min(labels.Length, threadCount * 2);
        var blocks = new LogisticBlock[pieces];
        Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = threadCount }, b =>
        {
            var start = labels.Length * b / pieces;
            var end = labels.Length * (b + 1) / pieces;
            var block = new LogisticBlock(Math.Max(vocabulary.Count, 1), end - start, 0, direct: true);
            var local = positives.Select(ps => ps.Where(c => c >= start && c < end).Select(c => c - start).ToArray()).ToArray();
            // scikit-learn minimises C * sum(loss) + |w|^2 / 2, i.e. a per-example L2 of 1 / (C n).
            block.Train(x, examples, local, epochs, 0.5f, 1f / Math.Max(train.Count, 1), OptimizerKind.AdaGrad, seed + b);
            blocks[b] = block;
        });
        return new StarterBaselineModel(tree, level, labels, vocabulary, blocks);
    }

    internal static IEnumerable<string> Tokenize(string text) => Token().Matches(text.ToLowerInvariant()).Select(m => m.Value);
}

/// <summary>A trained <see cref="StarterBaseline"/>.</summary>
internal sealed class StarterBaselineModel
{
    private readonly LabelTree _tree;
    private readonly int[] _labels;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly LogisticBlock[] _blocks;
    public int Level { get; }

    internal StarterBaselineModel(LabelTree tree, int level, int[] labels, Dictionary<string, int> vocabulary, LogisticBlock[] blocks)
    {
        _tree = tree;
        Level = level;
        _labels = labels;
        _vocabulary = vocabulary;
        _blocks = blocks;
    }

    internal static SparseRows Counts(IReadOnlyList<string[]> tokens, Dictionary<string, int> vocabulary) =>
        SparseRows.Concat(tokens.Select(t =>
        {
            var counts = new SortedDictionary<int, float>();
            foreach (var w in t)
                if (vocabulary.TryGetValue(w, out var i)) counts[i] = counts.GetValueOrDefault(i) + 1;
            return (counts.Keys.ToArray(), counts.Values.ToArray());
        }).ToList());

    /// <summary>The predicted level-<see cref="Level"/> labels (possibly none, as in draft.py).</summary>
    public IReadOnlyList<IReadOnlySet<int>> Predict(IReadOnlyList<Product> products)
    {
        var x = Counts(products.Select(p => StarterBaseline.Tokenize(StarterBaseline.Text(p)).ToArray()).ToList(), _vocabulary);
        var result = new IReadOnlySet<int>[products.Count];
        Parallel.For(0, products.Count, i =>
        {
            var set = new HashSet<int>();
            var offset = 0;
            foreach (var b in _blocks)
            {
                var scores = new float[b.K];
                b.Score(x.Indices(i), x.Values(i), scores);
                for (var c = 0; c < b.K; c++)
                    if (scores[c] > 0) set.Add(_labels[offset + c]); // logit > 0 <=> probability > 0.5
                offset += b.K;
            }
            result[i] = set;
        });
        return result;
    }

    /// <summary>draft.py's score: share of products whose predicted level-<see cref="Level"/> set equals the gold one.</summary>
    public double ExactMatchAccuracy(IReadOnlyList<Product> products)
    {
        var predicted = Predict(products);
        var hits = 0;
        for (var i = 0; i < products.Count; i++)
        {
            var gold = products[i].Labels.Where(l => _tree.Level(l) == Level).ToHashSet();
            if (gold.SetEquals(predicted[i])) hits++;
        }
        return products.Count == 0 ? 0 : hits / (double)products.Count;
    }
}
