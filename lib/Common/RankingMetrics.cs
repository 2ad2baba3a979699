namespace Workbook;

/// <summary>Per-query ranking metrics of a list of proposed items against the items the user clicked (the product ranker's offline metrics over seeds are <c>ScorerMetrics</c>).</summary>
internal static class RankingMetrics
{
    /// <summary>Share of the clicked clips found in the first <paramref name="k"/> proposals.</summary>
    public static double RecallAt(IReadOnlyList<string> ranked, IReadOnlySet<string> clicked, int k)
    {
        if (clicked.Count == 0) throw new ArgumentException("Recall needs at least one clicked clip.", nameof(clicked));
        var hits = ranked.Take(k).Distinct(StringComparer.Ordinal).Count(clicked.Contains);
        return (double)hits / clicked.Count;
    }

    /// <summary>1 / rank of the first clicked clip within the first <paramref name="k"/> proposals, 0 when none (MRR@k per search).</summary>
    public static double ReciprocalRank(IReadOnlyList<string> ranked, IReadOnlySet<string> clicked, int k)
    {
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
            if (clicked.Contains(ranked[i])) return 1.0 / (i + 1);
        return 0;
    }
}
