namespace Workbook.Products.Ranking;

/// <summary>
/// The fitted prior of one impressions band, with how many products it was fitted on (of how many seen).
/// <see cref="Prior"/> is the Beta of the clickable products; <see cref="ZeroMass"/> the share of duds (CTR 0), 0 for a plain Beta prior.
/// </summary>
public sealed record BandPrior(int Band, string Label, BetaPrior Prior, int FittedOn, long Products, bool FromGlobal, double ZeroMass = 0)
{
    /// <summary>Mean CTR of the band's whole prior (duds included).</summary>
    public double Mean => (1 - ZeroMass) * Prior.Mean;
}
