namespace Workbook.Products.Ranking;

/// <summary>One product's posterior CTR and score. <see cref="Rank"/> is 1-based (1 = show first); 0 until ranked.</summary>
internal sealed record ProductScore(
    string ProductId, string CategoryId, double Cpc, long Clicks, long Impressions, bool ViewsMissing,
    double PriorMean, double PriorStrength, double CtrMean, double CtrLow, double CtrHigh, double Score, long Rank = 0)
{
    public double RawCtr => Impressions > 0 ? (double)Clicks / Impressions : 0.0;
}
