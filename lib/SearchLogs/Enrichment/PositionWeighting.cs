namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Click position as a weak relevance signal: a click is weighted by the inverse of the probability that the user
/// examined its position, p(examine | k) = (1/k)^Eta, the propensity model of Joachims, Swaminathan and Schnabel
/// (2017, "Unbiased Learning-to-Rank with Biased Feedback"). A click at rank 8 is more telling than one at rank 1,
/// which is examined almost always. The weight is clipped at <see cref="MaxWeight"/> to bound the variance that
/// inverse propensities bring; Eta = 0 turns the signal off (every click weighs 1).
/// </summary>
/// <remarks>
/// The logs hold no impressions nor result randomization, so Eta cannot be estimated here (Joachims et al. estimate
/// it by swapping results); the default 0.5 is deliberately weaker than their Eta = 1 and is compared with 0 and 1 in
/// the notebook.
/// </remarks>
internal sealed record PositionWeighting(double Eta = 0.5, double MaxWeight = 5.0)
{
    public static PositionWeighting None { get; } = new(0, 1);

    /// <summary>p(examine | position), positions counted from 1 (anything below 1 is treated as 1).</summary>
    public double Propensity(int position) => Math.Pow(1.0 / Math.Max(1, position), Eta);

    /// <summary>The click's weight: 1 / propensity, clipped.</summary>
    public double Weight(int position) => Math.Min(1.0 / Propensity(position), MaxWeight);
}
