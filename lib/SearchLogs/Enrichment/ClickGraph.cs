namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// The bipartite query-clip click graph: query nodes 0..Q-1, clip nodes Q..Q+C-1, an edge weighted by the
/// (position-weighted) clicks between a query and a clip. Adjacency is stored compressed (CSR), and each node's edges
/// are sorted by click weight, so a walk can cap its fan-out at the strongest edges.
/// </summary>
internal sealed class ClickGraph
{
    private readonly int[] _offsets;   // node -> first edge
    private readonly int[] _targets;   // edge -> neighbour node
    private readonly float[] _weight;  // edge -> click weight C(node, neighbour)
    private readonly float[] _backward; // edge -> C(node, neighbour) / D(neighbour), the backward-walk coefficient
    private readonly double[] _degree; // node -> sum of its edge weights D
    private readonly double[] _norm;   // node -> Euclidean norm of its edge weights (co-click cosine)

    public int QueryCount { get; }
    public int ClipCount { get; }
    public int NodeCount => QueryCount + ClipCount;
    public int EdgeCount => _targets.Length / 2;

    /// <summary>Builds the graph from (query node, clip index, weight) triples; repeated pairs are summed.</summary>
    public ClickGraph(int queryCount, int clipCount, IEnumerable<(int Query, int Clip, double Weight)> clicks)
    {
        QueryCount = queryCount;
        ClipCount = clipCount;
        var n = queryCount + clipCount;
        var pairs = new Dictionary<long, double>();
        foreach (var (q, c, w) in clicks)
        {
            var key = ((long)q << 32) | (uint)c;
            pairs[key] = pairs.GetValueOrDefault(key) + w;
        }

        var counts = new int[n + 1];
        foreach (var key in pairs.Keys)
        {
            counts[(int)(key >> 32)]++;
            counts[queryCount + (int)(key & 0xffffffff)]++;
        }
        _offsets = new int[n + 1];
        for (var i = 0; i < n; i++) _offsets[i + 1] = _offsets[i] + counts[i];
        _targets = new int[_offsets[n]];
        _weight = new float[_offsets[n]];
        var fill = (int[])_offsets.Clone();
        _degree = new double[n];
        _norm = new double[n];
        foreach (var (key, w) in pairs.OrderBy(p => p.Key)) // key order makes the layout deterministic
        {
            var q = (int)(key >> 32);
            var c = queryCount + (int)(key & 0xffffffff);
            _targets[fill[q]] = c; _weight[fill[q]++] = (float)w;
            _targets[fill[c]] = q; _weight[fill[c]++] = (float)w;
            _degree[q] += w; _degree[c] += w;
            _norm[q] += w * w; _norm[c] += w * w;
        }
        for (var i = 0; i < n; i++) _norm[i] = Math.Sqrt(_norm[i]);

        _backward = new float[_targets.Length];
        for (var e = 0; e < _targets.Length; e++) _backward[e] = (float)(_weight[e] / _degree[_targets[e]]);
        // Most clicked edges first, so a walk capping its fan-out at a hub follows the edges that carry its traffic
        // (sorting by the backward coefficient instead would pick a hub's many single-query clips, all at 1.0).
        var order = new int[_targets.Length];
        var keys = new float[_targets.Length];
        for (var e = 0; e < order.Length; e++) { order[e] = e; keys[e] = -_weight[e]; }
        for (var v = 0; v < n; v++)
        {
            var (from, to) = (_offsets[v], _offsets[v + 1]);
            if (to - from > 1) Array.Sort(keys, order, from, to - from);
        }
        _targets = order.Select(e => _targets[e]).ToArray();
        _weight = order.Select(e => _weight[e]).ToArray();
        _backward = order.Select(e => _backward[e]).ToArray();
    }

    public int Degree(int node) => _offsets[node + 1] - _offsets[node];
    public double WeightedDegree(int node) => _degree[node];

    /// <summary>The click weight between two nodes (0 when not linked).</summary>
    public double Weight(int a, int b)
    {
        for (var e = _offsets[a]; e < _offsets[a + 1]; e++)
            if (_targets[e] == b) return _weight[e];
        return 0;
    }

    internal ReadOnlySpan<int> Neighbours(int node) => _targets.AsSpan(_offsets[node], Degree(node));
    internal ReadOnlySpan<float> Weights(int node) => _weight.AsSpan(_offsets[node], Degree(node));
    internal ReadOnlySpan<float> BackwardCoefficients(int node) => _backward.AsSpan(_offsets[node], Degree(node));
    internal double Norm(int node) => _norm[node];
}
