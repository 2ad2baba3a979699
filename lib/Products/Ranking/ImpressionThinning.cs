using MathNet.Numerics.Distributions;

namespace Workbook.Products.Ranking;

/// <summary>
/// Splits each product's impressions into two halves: n1 ~ Binomial(n, 1/2) impressions go to the first half and
/// their clicks are a draw without replacement from the product's clicks (hypergeometric). Both halves then come
/// from the same product, and if clicks were Binomial(n, p) the halves are independent Binomial(n1, p) and
/// Binomial(n - n1, p): the one half can score, the other measure.
/// </summary>
internal static class ImpressionThinning
{
    /// <summary>A seed's two halves (what <see cref="Split"/> returns); evaluations take one so a caller can memoise it.</summary>
    internal delegate (IReadOnlyList<ProductStats> First, IReadOnlyList<ProductStats> Second) Halves(int seed);

    public static (IReadOnlyList<ProductStats> First, IReadOnlyList<ProductStats> Second) Split(
        IReadOnlyList<ProductStats> products, int seed, double fraction = 0.5)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction));
        var rng = new Random(seed);
        var first = new ProductStats[products.Count];
        var second = new ProductStats[products.Count];
        for (var i = 0; i < products.Count; i++)
        {
            var p = products[i];
            if (p.Impressions <= 0)
            {
                first[i] = p;
                second[i] = p;
                continue;
            }
            var n1 = Binomial.Sample(rng, fraction, checked((int)p.Impressions));
            var c1 = n1 == 0 || p.Clicks == 0 ? 0
                : Hypergeometric.Sample(rng, (int)p.Impressions, (int)p.Clicks, n1);
            first[i] = p with { Impressions = n1, Clicks = c1 };
            second[i] = p with { Impressions = p.Impressions - n1, Clicks = p.Clicks - c1 };
        }
        return (first, second);
    }
}
