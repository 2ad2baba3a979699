using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class RankingModelTests
{
    private static readonly List<ProductStats> Catalogue = PriorAndPosteriorTests.SmallCatalogue();

    [Fact]
    public void Ranks_are_a_permutation_in_descending_score_order()
    {
        var ranked = ProductRanker.Fit(Catalogue).Rank(Catalogue);
        Assert.Equal(Enumerable.Range(1, Catalogue.Count).Select(i => (long)i), ranked.Select(r => r.Rank));
        Assert.True(ranked.Zip(ranked.Skip(1)).All(t => t.First.Score >= t.Second.Score));
        Assert.Equal(Catalogue.Select(p => p.ProductId).Order(), ranked.Select(r => r.ProductId).Order());
    }

    [Fact]
    public void Interval_brackets_the_mean_and_scores_order_lower_mean_upper()
    {
        var model = ProductRanker.Fit(Catalogue);
        foreach (var s in Catalogue.Select(model.Score))
        {
            // A mixture's central interval need not hold its mean: past 95% dud weight it is [0, 0] while the mean
            // keeps the hot and ordinary components' small share.
            Assert.True(s.CtrLow <= s.CtrMean && s.CtrLow <= s.CtrHigh);
            Assert.True(s.CtrHigh >= s.CtrMean || s.CtrHigh == 0, $"{s.CtrMean} above {s.CtrHigh}");
            Assert.Equal(s.CtrMean * s.Cpc, s.Score, 12);
        }
        var p = Catalogue[0];
        var lower = ProductRanker.Fit(Catalogue, new RankerOptions { Score = ScoreKind.Lower }).Score(p).Score;
        var mean = model.Score(p).Score;
        var upper = ProductRanker.Fit(Catalogue, new RankerOptions { Score = ScoreKind.Upper }).Score(p).Score;
        Assert.True(lower < mean && mean < upper);
    }

    [Fact]
    public void More_clicks_or_more_cpc_never_lowers_the_score()
    {
        var model = ProductRanker.Fit(Catalogue);
        var baseP = new ProductStats("x", "A", 1.5, 3, 300);
        Assert.True(model.Score(baseP with { Clicks = 4 }).Score > model.Score(baseP).Score);
        Assert.True(model.Score(baseP with { Cpc = 1.6 }).Score > model.Score(baseP).Score);
    }

    [Fact]
    public void Shrinkage_pulls_small_samples_harder_than_large_ones()
    {
        var model = ProductRanker.Fit(Catalogue, new RankerOptions { ImpressionBands = 1, CategoryPooling = false });
        var prior = model.GlobalPrior!.Mean;
        var small = model.Score(new ProductStats("s", "A", 1, 2, 20)); // raw 10%
        var large = model.Score(new ProductStats("l", "A", 1, 200, 2000)); // raw 10%
        Assert.InRange(small.CtrMean, prior, 0.1);
        Assert.InRange(large.CtrMean, small.CtrMean, 0.1);
        Assert.True(large.CtrHigh - large.CtrLow < small.CtrHigh - small.CtrLow);
    }

    [Fact]
    public void Category_pooling_finds_the_clickable_category_and_leaves_a_lone_product_near_global()
    {
        var model = ProductRanker.Fit(Catalogue, new RankerOptions { CategoryPooling = true });
        var levels = model.Categories.ToDictionary(c => c.CategoryId);
        Assert.True(levels["B"].Factor > 1.3 * levels["A"].Factor, $"A {levels["A"].Factor} B {levels["B"].Factor}");
        Assert.InRange(levels["C"].Factor, 0.8, 1.6);
        Assert.True(double.IsFinite(model.CategoryTau));
        var off = ProductRanker.Fit(Catalogue, new RankerOptions { CategoryPooling = false });
        Assert.All(off.Categories, c => Assert.Equal(1.0, c.Factor));
    }

    [Fact]
    public void Never_shown_products_get_their_prior_and_a_wide_interval()
    {
        var model = ProductRanker.Fit(Catalogue);
        var fresh = model.Score(Catalogue.First(p => p.ViewsMissing));
        Assert.Equal(fresh.PriorMean, fresh.CtrMean, 12);
        Assert.True(fresh.CtrHigh > 2 * fresh.CtrMean);
    }

    [Fact]
    public void Thompson_draws_are_reproducible_by_seed()
    {
        double[] Draw(int seed) => ProductRanker.Fit(Catalogue, new RankerOptions { Score = ScoreKind.Thompson, Seed = seed }).Scores(Catalogue);
        Assert.Equal(Draw(1), Draw(1));
        Assert.NotEqual(Draw(1), Draw(2));
    }

    [Fact]
    public void Impression_bands_are_doubling()
    {
        Assert.Equal([0, 0, 1, 1, 2, 5, 5], new long[] { 0, 31, 32, 63, 64, 512, 100_000 }.Select(n => ImpressionBands.Of(n, 6)));
        Assert.Equal(0, ImpressionBands.Of(10_000, 1));
        Assert.Equal("[32, 64)", ImpressionBands.Label(1, 6));
        Assert.Equal(">= 512", ImpressionBands.Label(5, 6));
    }

    [Fact]
    public void Invalid_options_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => ProductRanker.Fit(Catalogue, new RankerOptions { CredibleLevel = 1.5 }));
        Assert.Contains("CredibleLevel", e.Message);
    }
}
