namespace Workbook.Products.Ranking;

/// <summary>
/// The fitted prior of one impressions band, with how many products it was fitted on (of how many seen).
/// <see cref="Prior"/> is the Beta of the clickable products; <see cref="ZeroMass"/> the share of duds (CTR 0), 0 for a plain Beta prior.
/// </summary>
/// Under the hot mixture, <see cref="Hot"/> is the Beta of the minority of very clickable products and <see cref="HotMass"/> their share.
/// A band too thin to fit alone holds the prior of band <see cref="BorrowedFrom"/> (the nearest fitted one), or the
/// global prior (<see cref="FromGlobal"/>) when no band could be fitted; <see cref="FittedOn"/> still counts this band's
/// own products (the lender's count is in the lender's row).
internal sealed record BandPrior(int Band, string Label, BetaPrior Prior, long FittedOn, long Products, bool FromGlobal, double ZeroMass = 0,
    double HotMass = 0, BetaPrior? Hot = null, int? BorrowedFrom = null)
{
    /// <summary>Mean CTR of the band's whole prior (duds included).</summary>
    public double Mean => (1 - ZeroMass - HotMass) * Prior.Mean + HotMass * (Hot?.Mean ?? 0);
}
