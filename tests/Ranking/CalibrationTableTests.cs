using MathNet.Numerics.Distributions;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class CalibrationTableTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 1)]
    [InlineData(19, 1)]
    [InlineData(20, 2)]
    [InlineData(639, 6)]
    [InlineData(640, 7)]
    [InlineData(1279, 7)]
    [InlineData(1280, 8)]
    [InlineData(10_000_000, 8)]
    public void Exposure_bands_double_from_ten(long views, int band) => Assert.Equal(band, CalibrationTable.ExposureBand(views));

    [Fact]
    public void Labels_name_the_bands() =>
        Assert.Equal(["< 10", "[10, 20)", "[20, 40)", ">= 1280"], new[] { 0, 1, 2, 8 }.Select(CalibrationTable.ExposureLabel));

    private sealed record ConstantCtr(double Ctr, string Name = "constant") : IProductScorer
    {
        public double[] Score(IReadOnlyList<ProductStats> products) => products.Select(p => Ctr * p.Cpc).ToArray();
    }

    // Every product clicks with the same probability: the held-out CTR of any group is that probability up to noise.
    private static List<ProductStats> SameCtr(double p, int count = 3000, int seed = 3)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var n = 20 + rng.Next(0, 3000);
            return new ProductStats($"p{i}", "c", 0.5 + rng.NextDouble(), Binomial.Sample(rng, p, n), n);
        }).ToList();
    }

    [Fact]
    public void A_scorer_that_knows_the_true_ctr_is_calibrated_in_every_populated_group()
    {
        var products = SameCtr(0.05);
        var seeds = new[] { 1, 2, 3 };
        var byExposure = CalibrationTable.ByExposure(products, new ConstantCtr(0.05), seeds);
        var byDecile = CalibrationTable.ByScoreDecile(products, new ConstantCtr(0.05), seeds);
        Assert.All(byExposure.Concat(byDecile), r => Assert.Equal(0.05, r.PredictedCtr, 12));
        Assert.All(byExposure.Where(r => r.ProductsPerSeed >= 100).Concat(byDecile), r => Assert.InRange(r.Ratio, 0.95, 1.05));
        Assert.Equal(10, byDecile.Count);
        Assert.All(byDecile, r => Assert.Equal(300, r.ProductsPerSeed));
        Assert.Equal(products.Count, byExposure.Sum(r => r.ProductsPerSeed), 9);
    }

    [Fact]
    public void An_overselling_scorer_shows_a_ratio_above_one()
    {
        var products = SameCtr(0.05);
        var rows = CalibrationTable.ByExposure(products, new ConstantCtr(0.075), [7]);
        Assert.All(rows.Where(r => r.ProductsPerSeed >= 100), r => Assert.InRange(r.Ratio, 1.4, 1.6));
    }

    [Fact]
    public void Raw_ctr_oversells_its_top_decile()
    {
        // Products differ (Beta spread): the top decile of raw CTR is partly luck and regresses on the held-out half.
        var rows = CalibrationTable.ByScoreDecile(PriorAndPosteriorTests.SmallCatalogue(), new RawCtrScorer(), [1, 2, 3]);
        Assert.True(rows[0].Ratio > 1.05, $"top decile ratio {rows[0].Ratio}");
    }
}
