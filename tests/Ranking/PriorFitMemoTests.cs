using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class PriorFitMemoTests
{
    private static List<ProductStats> Products(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 3000).Select(i =>
        {
            var views = rng.Next(20, 2000);
            var ctr = rng.NextDouble() < 0.4 ? 0 : rng.NextDouble() * 0.08;
            var clicks = (long)Math.Round(views * ctr * (0.5 + rng.NextDouble()));
            return new ProductStats($"p{i}", $"c{i % 17}", 0.1 + rng.NextDouble(), Math.Min(clicks, views), views);
        }).ToList();
    }

    [Theory]
    [InlineData(PriorFamily.Beta)]
    [InlineData(PriorFamily.ZeroInflatedBeta)]
    [InlineData(PriorFamily.HotMixture)]
    public void A_memoised_fit_scores_exactly_as_a_fresh_fit_and_fits_each_band_once(PriorFamily family)
    {
        var products = Products(5);
        var options = new RankerOptions { Prior = family, ImpressionBands = 3 };
        var memo = new PriorFitMemo();
        var fresh = ProductRanker.Fit(products, options).Scores(products);
        var first = ProductRanker.Fit(products, options, memo).Scores(products);
        Assert.Equal(3, memo.Fits);
        // Options that only change how the priors are used share the fits.
        var again = ProductRanker.Fit(products, options with { PriorStrengthScale = 3, CategoryPooling = !options.CategoryPooling }, memo);
        Assert.Equal(3, memo.Fits);
        Assert.Equal(fresh, first);
        Assert.Equal(ProductRanker.Fit(products, options with { PriorStrengthScale = 3, CategoryPooling = !options.CategoryPooling }).Scores(products),
            again.Scores(products));
    }

    [Fact]
    public void Other_data_or_another_family_or_other_bands_is_fitted_again()
    {
        var memo = new PriorFitMemo();
        var options = new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, ImpressionBands = 2 };
        ProductRanker.Fit(Products(1), options, memo);
        Assert.Equal(2, memo.Fits);
        ProductRanker.Fit(Products(2), options, memo);
        Assert.Equal(4, memo.Fits);
        ProductRanker.Fit(Products(2), options with { Prior = PriorFamily.Beta }, memo);
        Assert.Equal(6, memo.Fits);
        ProductRanker.Fit(Products(2), options with { Prior = PriorFamily.Beta, ImpressionBands = 3 }, memo);
        Assert.True(memo.Fits > 6);
    }
}
