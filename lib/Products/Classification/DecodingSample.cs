namespace Workbook.Products.Classification;

/// <summary>
/// The validation products as the decoder's threshold search scores them, built once per search: each product's
/// candidates, their ancestors and its best path as one small local tree (parent by position, gold or not), so scoring a
/// decoder marks positions in a stack array instead of filling and probing hash sets. The threshold search scores
/// hundreds of decoders on the same products: with hash sets it was 16% of the CPU of the cdiscount classifier study (perf).
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

    /// <summary>Labels decoded for product <paramref name="i"/>, those of them in its gold set, and its gold set's size.</summary>
    public (int Predicted, int Hits, int Gold) Decode(int i, IReadOnlyList<float> levelThresholds, float descendThreshold)
    {
        var start = _start[i];
        var size = _start[i + 1] - start;
        Span<bool> marked = size <= 1024 ? stackalloc bool[size] : new bool[size];
        for (var c = _candidateStart[i]; c < _candidateStart[i + 1]; c++)
            if (_candidateProbability[c] >= levelThresholds[_candidateLevel[c]]) Mark(marked, start, _candidateNode[c]);
        for (var p = _pathStart[i]; p < _pathStart[i + 1] && (p == _pathStart[i] || _pathConditional[p] >= descendThreshold); p++)
            Mark(marked, start, _pathNode[p]);
        int predicted = 0, hits = 0;
        for (var k = 0; k < size; k++)
            if (marked[k]) { predicted++; if (_gold[start + k]) hits++; }
        return (predicted, hits, _goldCount[i]);
    }

    // The node and all its ancestors (depth is at most a handful, and walking to the root keeps the closure exact
    // whatever order nodes are marked in).
    private void Mark(Span<bool> marked, int start, int node)
    {
        for (var k = node; k >= 0; k = _parent[start + k]) marked[k] = true;
    }
}
