namespace Workbook.Products.Ranking;

/// <summary>
/// (clicks, impressions, count) histograms: every maximum-likelihood fit sums over distinct count pairs, weighted, so
/// the fit costs the number of distinct pairs, not of products, and a streaming pass can keep the histogram instead of rows.
/// </summary>
internal static class CountGroups
{
    /// <summary>Merges equal (clicks, impressions) pairs and drops pairs without impressions (no evidence about CTR).</summary>
    public static IReadOnlyList<(long Clicks, long Impressions, long Count)> Collapse(IEnumerable<(long Clicks, long Impressions, long Count)> counts) =>
        counts.Where(x => x.Impressions > 0 && x.Count > 0)
            .GroupBy(x => (x.Clicks, x.Impressions))
            .Select(g => (g.Key.Clicks, g.Key.Impressions, g.Sum(x => x.Count)))
            .OrderBy(x => x.Impressions).ThenBy(x => x.Clicks) // a fixed order: sums, hence fits, do not depend on arrival order
            .ToList();

    public static IReadOnlyList<(long Clicks, long Impressions, long Count)> Collapse(IEnumerable<(long Clicks, long Impressions)> counts) =>
        Collapse(counts.Select(x => (x.Clicks, x.Impressions, 1L)));
}
