namespace Workbook.Products.Classification;

/// <summary>
/// The validation products as the decoder's threshold search scores them, built once per search: each product's
/// candidates, their ancestors and its best path as one small local tree (parent by position, gold or not), so scoring a
/// decoder marks positions in a stack array instead of filling and probing hash sets, and <see cref="Sweep"/> scores every
/// value of one threshold in one pass (sorted additions on top of what the other thresholds decode), where the coordinate
/// search used to decode all products once per value: it was 16% of the CPU of the cdiscount classifier study and 40%
/// of a one-ninth-data AutoML trial (perf).
/// The decoded set is the ancestor closure of the candidates at or above their level's threshold and of the path's prefix
/// that stays at or above the descend threshold: what <see cref="HierarchicalDecoder.DecodeInto"/> builds (tested equal).
/// </summary>
internal sealed class DecodingSample
{
    private readonly int[] _start;          // product i's nodes are _start[i].._start[i + 1]-1
    private readonly int[] _parent;         // node's parent, as an offset from the product's start, or -1
    private readonly bool[] _gold;
    private readonly int[] _candidateStart; // product i's candidates are _candidateStart[i].._candidateStart[i + 1]-1
    private readonly int[] _candidateNode;
    private readonly int[] _candidateLevel; // 0-based threshold index
    private readonly float[] _candidateProbability;
    private readonly int[] _pathStart;
    private readonly int[] _pathNode;
    private readonly float[] _pathConditional;
    private readonly int[] _goldCount;

    public DecodingSample(LabelTree tree, Candidate[][] candidates, (int Label, float Conditional)[][] paths, IReadOnlySet<int>[] gold, int thresholds)
    {
        var n = candidates.Length;
        Count = n;
        _start = new int[n + 1];
        _candidateStart = new int[n + 1];
        _pathStart = new int[n + 1];
        _goldCount = new int[n];
        List<int> parent = [], candidateNode = [], candidateLevel = [], pathNode = [];
        List<bool> isGold = [];
        List<float> probability = [], conditional = [];
        var local = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            local.Clear();
            var start = parent.Count;
            int Node(int label)
            {
                if (local.TryGetValue(label, out var at)) return at;
                var up = tree.Parent(label);
                var p = up >= 0 ? Node(up) : -1; // ancestors first, so a node's parent always precedes it
                at = parent.Count - start;
                local[label] = at;
                parent.Add(p);
                isGold.Add(gold[i].Contains(label));
                return at;
            }
            foreach (var c in candidates[i])
            {
                candidateNode.Add(Node(c.Label));
                candidateLevel.Add(Math.Min(tree.Level(c.Label), thresholds) - 1);
                probability.Add(c.Probability);
            }
            foreach (var (label, cond) in paths[i])
            {
                pathNode.Add(Node(label));
                conditional.Add(cond);
            }
            _goldCount[i] = gold[i].Count;
            _start[i + 1] = parent.Count;
            _candidateStart[i + 1] = candidateNode.Count;
            _pathStart[i + 1] = pathNode.Count;
        }
        (_parent, _gold, _candidateNode, _candidateLevel, _candidateProbability, _pathNode, _pathConditional) =
            (parent.ToArray(), isGold.ToArray(), candidateNode.ToArray(), candidateLevel.ToArray(), probability.ToArray(), pathNode.ToArray(), conditional.ToArray());
    }

    public int Count { get; }

    /// <summary>What one threshold value decodes over all products, summed: true positives, predicted and gold labels, the
    /// sum of per-product F1 and the exact matches.</summary>
    internal struct Totals
    {
        public long Tp, Predicted, Actual;
        public double Samples;
        public int Exact;

        public void Add(int predicted, int hits, int gold)
        {
            Tp += hits;
            Predicted += predicted;
            Actual += gold;
            var n = predicted + gold;
            Samples += n == 0 ? 0 : 2.0 * hits / n;
            if (hits == predicted && hits == gold) Exact++;
        }

        public void Add(in Totals o) { Tp += o.Tp; Predicted += o.Predicted; Actual += o.Actual; Samples += o.Samples; Exact += o.Exact; }
    }

    private const int Chunk = 256;

    /// <summary>
    /// Totals for each value in <paramref name="values"/> (ascending) of level <paramref name="level"/>'s threshold, or of
    /// the descend threshold when <paramref name="level"/> is -1, the other thresholds as given. Per product: what the
    /// fixed thresholds decode, then the swept additions (that level's candidates by probability, or the path's steps by
    /// the lowest conditional up to them) marked from the highest key down, each value taking every addition whose key
    /// reaches it, which is exactly the set <see cref="HierarchicalDecoder.DecodeInto"/> builds for that value. Sums are taken in fixed chunks
    /// merged in order, so they do not depend on the threads.
    /// </summary>
    public Totals[] Sweep(int level, IReadOnlyList<float> thresholds, float descend, IReadOnlyList<float> values, int threads)
    {
        var chunks = (Count + Chunk - 1) / Chunk;
        var partial = new Totals[chunks * values.Count];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, c =>
        {
            var sums = partial.AsSpan(c * values.Count, values.Count);
            for (var i = c * Chunk; i < Math.Min(Count, (c + 1) * Chunk); i++) SweepOne(i, level, thresholds, descend, values, sums);
        });
        var totals = new Totals[values.Count];
        for (var c = 0; c < chunks; c++)
            for (var v = 0; v < values.Count; v++) totals[v].Add(partial[c * values.Count + v]);
        return totals;
    }

    private void SweepOne(int i, int level, IReadOnlyList<float> thresholds, float descend, IReadOnlyList<float> values, Span<Totals> sums)
    {
        var start = _start[i];
        var size = _start[i + 1] - start;
        Span<bool> marked = size <= 1024 ? stackalloc bool[size] : new bool[size];
        var (predicted, hits) = (0, 0);
        var candidates = _candidateStart[i + 1] - _candidateStart[i];
        var paths = _pathStart[i + 1] - _pathStart[i];
        var room = level >= 0 ? candidates : paths;
        Span<float> keys = room <= 512 ? stackalloc float[room] : new float[room];
        Span<int> nodes = room <= 512 ? stackalloc int[room] : new int[room];
        var added = 0;
        for (var c = _candidateStart[i]; c < _candidateStart[i + 1]; c++)
        {
            if (_candidateLevel[c] == level) { keys[added] = _candidateProbability[c]; nodes[added++] = _candidateNode[c]; }
            else if (_candidateProbability[c] >= thresholds[_candidateLevel[c]]) MarkCounting(marked, start, _candidateNode[c], ref predicted, ref hits);
        }
        var lowest = float.PositiveInfinity;
        for (var p = _pathStart[i]; p < _pathStart[i + 1]; p++)
        {
            if (p == _pathStart[i]) { MarkCounting(marked, start, _pathNode[p], ref predicted, ref hits); continue; }
            if (level >= 0)
            {
                if (_pathConditional[p] < descend) break;
                MarkCounting(marked, start, _pathNode[p], ref predicted, ref hits);
            }
            else
            {
                // A step is taken while every step so far reaches the threshold: its key is the lowest conditional up to it.
                lowest = Math.Min(lowest, _pathConditional[p]);
                keys[added] = lowest;
                nodes[added++] = _pathNode[p];
            }
        }
        // Highest key first (insertion sort: a product has a handful of additions).
        for (var a = 1; a < added; a++)
            for (var b = a; b > 0 && keys[b] > keys[b - 1]; b--)
            {
                (keys[b], keys[b - 1]) = (keys[b - 1], keys[b]);
                (nodes[b], nodes[b - 1]) = (nodes[b - 1], nodes[b]);
            }
        var next = 0;
        for (var v = values.Count - 1; v >= 0; v--)
        {
            while (next < added && keys[next] >= values[v]) MarkCounting(marked, start, nodes[next++], ref predicted, ref hits);
            sums[v].Add(predicted, hits, _goldCount[i]);
        }
    }

    // Marks the node and its ancestors; every marked node's ancestors are marked too, so the walk stops at the first marked one.
    private void MarkCounting(Span<bool> marked, int start, int node, ref int predicted, ref int hits)
    {
        for (var k = node; k >= 0 && !marked[k]; k = _parent[start + k])
        {
            marked[k] = true;
            predicted++;
            if (_gold[start + k]) hits++;
        }
    }
}
