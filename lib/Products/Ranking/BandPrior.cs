namespace Workbook.Products.Ranking;

/// <summary>The fitted prior of one impressions band, with how many products it was fitted on (of how many seen).</summary>
public sealed record BandPrior(int Band, string Label, BetaPrior Prior, int FittedOn, long Products, bool FromGlobal);
