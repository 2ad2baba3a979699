namespace Workbook.Products.Ranking;

/// <summary>
/// Doubling bands of impressions: band 0 is below the first edge (20 views by default; also products with none), band
/// k covers [edge * 2^(k-1), edge * 2^k), the last band is open-ended. Fixed edges (not sample quantiles) so a
/// streaming pass can accumulate per-band totals before anything is fitted, and so bands mean the same on any file.
/// </summary>
public static class ImpressionBands
{
    /// <summary>
    /// The default first edge. 20 rather than 32: below ~40 views the products that get any click are mostly very
    /// clickable ones (in [20, 24) views the file has 3 products with 1 click and 20 with 2-9), so the CTR prior changes
    /// fast at low exposure and a band holding everything below 32 mixed them with ordinary products (notebook 03).
    /// Units: the edge was chosen in the offline evaluation, which fits on thinning halves (about half of each product's
    /// views), so there 20 means about 40 real views. Applied to the whole file, the same 20 leaves only never-shown
    /// products in band 0 and starts the least-exposed fitted band at 20 real views: finer at the low end than what was
    /// evaluated. Scaling the edge by the thinning fraction was not evaluated.
    /// </summary>
    public const long FirstEdge = 20;

    public static int Of(long impressions, int bands, long firstEdge = FirstEdge)
    {
        if (bands <= 1 || impressions < firstEdge) return 0;
        var k = 1 + (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(impressions / firstEdge)));
        return Math.Min(k, bands - 1);
    }

    /// <summary>"[32, 64)"-style label of a band.</summary>
    public static string Label(int band, int bands, long firstEdge = FirstEdge)
    {
        if (bands <= 1) return "all";
        var lo = band == 0 ? 0 : firstEdge << (band - 1);
        var hi = firstEdge << band;
        return band == bands - 1 ? $">= {lo}" : $"[{lo}, {hi})";
    }
}
