namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Co-click similarity of two queries: the cosine of their (position-weighted) click vectors over clips. Two
/// queries are similar when users clicked the same clips for both, in similar proportions.
/// </summary>
public static class CoClickSimilarity
{
    /// <summary>cos(a, b) over the clips both queries link to; 0 when either has no clicks.</summary>
    public static double Cosine(ClickGraph graph, int a, int b)
    {
        var na = graph.Norm(a);
        var nb = graph.Norm(b);
        if (na == 0 || nb == 0) return 0;
        double dot = 0;
        var targets = graph.Neighbours(a);
        var weights = graph.Weights(a);
        for (var e = 0; e < targets.Length; e++)
        {
            var w = graph.Weight(b, targets[e]);
            if (w != 0) dot += weights[e] * w;
        }
        return dot / (na * nb);
    }
}
