namespace Workbook.Products.Ranking;

/// <summary>
/// One product's counts as the ranking sees them. <see cref="ProductId"/> and <see cref="CategoryId"/> stay the exact
/// input text: the ids are 19-digit numbers that a double (and some longs) would silently change.
/// </summary>
/// <param name="Impressions">Recorded views; 0 when the file's <c>views</c> field is empty (see <see cref="ViewsMissing"/>).</param>
/// <param name="ViewsMissing">
/// The <c>views</c> field was empty. In the shipped file every such row has 0 clicks and the smallest recorded
/// <c>views</c> is 20, so empty means "no exposure recorded (fewer than 20 or never shown)", not "20+ views with no
/// click": these products carry no evidence about their CTR and get their segment's prior, nothing more.
/// </param>
public sealed record ProductStats(
    string ProductId,
    string CategoryId,
    double Cpc,
    long Clicks,
    long Impressions,
    bool ViewsMissing = false)
{
    /// <summary>Clicks per impression, 0 when never shown (what a naive ranking uses).</summary>
    public double RawCtr => Impressions > 0 ? (double)Clicks / Impressions : 0.0;
}
