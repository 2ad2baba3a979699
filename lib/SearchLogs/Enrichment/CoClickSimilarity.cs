namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Co-click similarity: the cosine of two queries' (position-weighted) click vectors over clips. Two queries are
/// similar when users clicked the same clips for both, in similar proportions. A profile may mix several start
/// queries: its similarity to a query is then the weighted mean of their cosines, computed in one pass over that
/// query's edges.
/// </summary>
public sealed class CoClickSimilarity
{
    private readonly ClickGraph _graph;
    private readonly Dictionary<int, double> _profile = new();

    /// <summary>The profile of <paramref name="start"/> (query node, weight); weights are normalized to sum to 1.</summary>
    public CoClickSimilarity(ClickGraph graph, IEnumerable<(int Node, double Weight)> start)
    {
        _graph = graph;
        var list = start.ToList();
        var total = list.Sum(s => s.Weight);
        foreach (var (node, weight) in list)
        {
            var norm = graph.Norm(node);
            if (norm == 0 || total <= 0) continue;
            var targets = graph.Neighbours(node);
            var weights = graph.Weights(node);
            for (var e = 0; e < targets.Length; e++)
                _profile[targets[e]] = _profile.GetValueOrDefault(targets[e]) + weight / total * weights[e] / norm;
        }
    }

    /// <summary>Weighted mean cosine between the start queries and <paramref name="node"/>; 0 when it has no clicks.</summary>
    public double To(int node)
    {
        var norm = _graph.Norm(node);
        if (norm == 0 || _profile.Count == 0) return 0;
        double dot = 0;
        var targets = _graph.Neighbours(node);
        var weights = _graph.Weights(node);
        for (var e = 0; e < targets.Length; e++)
            if (_profile.TryGetValue(targets[e], out var p)) dot += p * weights[e];
        return dot / norm;
    }

    /// <summary>cos(a, b) of two queries' click vectors.</summary>
    public static double Cosine(ClickGraph graph, int a, int b) => new CoClickSimilarity(graph, [(a, 1.0)]).To(b);
}
