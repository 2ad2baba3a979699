namespace Workbook.Products.Ranking;

/// <summary>A Beta(alpha, beta) distribution over CTR, written also as mean and strength (alpha + beta, in pseudo-impressions).</summary>
internal sealed record BetaPrior(double Alpha, double Beta)
{
    public double Mean => Alpha / (Alpha + Beta);
    public double Strength => Alpha + Beta;

    public static BetaPrior FromMeanStrength(double mean, double strength) => new(mean * strength, (1 - mean) * strength);

    /// <summary>The posterior after <paramref name="clicks"/> out of <paramref name="impressions"/> (Beta is conjugate to the binomial).</summary>
    public BetaPrior Update(long clicks, long impressions) => new(Alpha + clicks, Beta + impressions - clicks);
}
