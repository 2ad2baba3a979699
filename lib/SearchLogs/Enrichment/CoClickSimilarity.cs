namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Co-click similarity: the cosine of two queries' (position-weighted) click vectors over clips. Two queries are
/// similar when users clicked the same clips for both, in similar proportions. A profile may mix several start
/// queries: its similarity to a query is then the weighted mean of their cosines, computed in one pass over that
/// query's edges. An instance is reusable (<see cref="Prepare"/>) and keeps a dense buffer, so scoring against a hub
/// query with thousands of clips allocates nothing; one instance per thread.
/// </summary>
internal sealed class CoClickSimilarity
{
    private readonly ClickGraph _graph;
    private readonly double[] _profile;
    private readonly List<int> _touched = new();

    public CoClickSimilarity(ClickGraph graph)
    {
        _graph = graph;
        _profile = new double[graph.NodeCount];
    }

    /// <summary>A profile of <paramref name="start"/> (query node, weight).</summary>
    public CoClickSimilarity(ClickGraph graph, IEnumerable<(int Node, double Weight)> start) : this(graph) =>
        Prepare(start.ToArray());

    /// <summary>Makes this the profile of <paramref name="start"/>; weights are normalized to sum to 1.</summary>
    public void Prepare(ReadOnlySpan<(int Node, double Weight)> start)
    {
        foreach (var c in _touched) _profile[c] = 0;
        _touched.Clear();
        double total = 0;
        foreach (var (_, w) in start) total += w;
        if (total <= 0) return;
        foreach (var (node, weight) in start)
        {
            var norm = _graph.Norm(node);
            if (norm == 0) continue;
            var targets = _graph.Neighbours(node);
            var weights = _graph.Weights(node);
            for (var e = 0; e < targets.Length; e++)
            {
                if (_profile[targets[e]] == 0) _touched.Add(targets[e]);
                _profile[targets[e]] += weight / total * weights[e] / norm;
            }
        }
    }

    /// <summary>Weighted mean cosine between the start queries and <paramref name="node"/>; 0 when it has no clicks.</summary>
    public double To(int node)
    {
        var norm = _graph.Norm(node);
        if (norm == 0 || _touched.Count == 0) return 0;
        double dot = 0;
        var targets = _graph.Neighbours(node);
        var weights = _graph.Weights(node);
        for (var e = 0; e < targets.Length; e++) dot += _profile[targets[e]] * weights[e];
        return dot / norm;
    }

    /// <summary>cos(a, b) of two queries' click vectors.</summary>
    public static double Cosine(ClickGraph graph, int a, int b) => new CoClickSimilarity(graph, [(a, 1.0)]).To(b);
}
