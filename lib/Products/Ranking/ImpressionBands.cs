namespace Workbook.Products.Ranking;

/// <summary>
/// Doubling bands of impressions: band 0 is below 32 views (and products with none), band k covers
/// [32 * 2^(k-1), 32 * 2^k), the last band is open-ended. Fixed edges (not sample quantiles) so a streaming pass can
/// accumulate per-band totals before anything is fitted, and so bands mean the same on any file.
/// </summary>
public static class ImpressionBands
{
    public const long FirstEdge = 32;

    public static int Of(long impressions, int bands)
    {
        if (bands <= 1 || impressions < FirstEdge) return 0;
        var k = 1 + (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(impressions / FirstEdge)));
        return Math.Min(k, bands - 1);
    }

    /// <summary>"[32, 64)"-style label of a band.</summary>
    public static string Label(int band, int bands)
    {
        if (bands <= 1) return "all";
        var lo = band == 0 ? 0 : FirstEdge << (band - 1);
        var hi = FirstEdge << band;
        return band == bands - 1 ? $">= {lo}" : $"[{lo}, {hi})";
    }
}
