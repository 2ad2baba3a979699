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
    public void Impression_bands_are_doubling_from_the_first_edge()
    {
        Assert.Equal([0, 0, 1, 1, 2, 5, 5], new long[] { 0, 31, 32, 63, 64, 512, 100_000 }.Select(n => ImpressionBands.Of(n, 6, 32)));
        Assert.Equal(0, ImpressionBands.Of(10_000, 1));
        Assert.Equal("[32, 64)", ImpressionBands.Label(1, 6, 32));
        Assert.Equal(">= 512", ImpressionBands.Label(5, 6, 32));
        // The default: first edge 20, 7 bands.
        Assert.Equal([0, 0, 1, 1, 2, 6, 6], new long[] { 0, 19, 20, 39, 40, 640, 100_000 }.Select(n => ImpressionBands.Of(n, 7)));
        Assert.Equal("[20, 40)", ImpressionBands.Label(1, 7));
        Assert.Equal(">= 640", ImpressionBands.Label(6, 7));
    }

    [Fact]
    public void First_band_edge_lets_the_bands_recover_known_low_exposure_priors()
    {
        // Two exposure groups with different known zero-inflated priors: below 20 views, 80% duds and clickable products
        // at 15%; from 20 views up, 40% duds and clickable products at 4%. With the first edge at 20 each band's fit
        // recovers its group; with the edge at 32, band 0 mixes both groups and its clickable mean lands in between.
        var rng = new Random(5);
        var products = new List<ProductStats>();
        for (var i = 0; i < 12_000; i++)
        {
            var low = i % 2 == 0;
            var n = low ? rng.Next(8, 20) : rng.Next(20, 40);
            var p = rng.NextDouble() < (low ? 0.8 : 0.4) ? 0 : MathNet.Numerics.Distributions.Beta.Sample(rng, low ? 6 : 8, low ? 34 : 192);
            products.Add(new ProductStats($"p{i}", "c", 1.0, MathNet.Numerics.Distributions.Binomial.Sample(rng, p, n), n));
        }
        var fine = ProductRanker.Fit(products, new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, ImpressionBands = 2, FirstBandEdge = 20 });
        Assert.Equal("[0, 20)", fine.Bands[0].Label);
        Assert.InRange(fine.Bands[0].ZeroMass, 0.74, 0.86);
        Assert.InRange(fine.Bands[0].Prior.Mean, 0.12, 0.18);
        Assert.InRange(fine.Bands[1].ZeroMass, 0.3, 0.5);
        Assert.InRange(fine.Bands[1].Prior.Mean, 0.032, 0.048);
        var coarse = ProductRanker.Fit(products, new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, ImpressionBands = 2, FirstBandEdge = 32 });
        Assert.True(coarse.Bands[0].Prior.Mean < 0.12, $"mixed band mean {coarse.Bands[0].Prior.Mean}");
        // A product with 2 clicks in 10 views: the fine model believes it near the low group's 15%, the coarse one far less.
        Assert.True(fine.Posterior("c", 2, 10).Mean > coarse.Posterior("c", 2, 10).Mean + 0.02);
    }

    [Fact]
    public void A_band_too_thin_to_fit_borrows_the_nearest_fitted_band()
    {
        // Viewed products only in [20, 40) and [80, 160): band 0 (below 20, never-shown products only) and band 2 are
        // empty; band 0 borrows band 1 and band 2 (equidistant) the lower one, the top bands borrow band 3.
        var rng = new Random(3);
        var products = new List<ProductStats> { new("never", "c", 1.0, 0, 0, ViewsMissing: true) };
        for (var i = 0; i < 600; i++)
        {
            var n = i % 2 == 0 ? rng.Next(20, 40) : rng.Next(80, 160);
            var p = rng.NextDouble() < 0.5 ? 0 : (i % 2 == 0 ? 0.10 : 0.02);
            products.Add(new ProductStats($"p{i}", "c", 1.0, MathNet.Numerics.Distributions.Binomial.Sample(rng, p, n), n));
        }
        var model = ProductRanker.Fit(products, new RankerOptions { Prior = PriorFamily.ZeroInflatedBeta, ImpressionBands = 6, FirstBandEdge = 20 });
        Assert.Equal([1, null, 1, null, 3, 3], model.Bands.Select(b => b.BorrowedFrom));
        Assert.All(model.Bands, b => Assert.False(b.FromGlobal));
        Assert.Null(model.GlobalPrior);
        Assert.Equal(model.Bands[1].Prior, model.Bands[0].Prior);
        Assert.Equal(model.Bands[1].Mean, model.Posterior("c", 0, 0).Mean, 12); // a never-shown product: the least-exposed fitted band's prior
        Assert.True(model.Bands[1].Prior.Mean > 2 * model.Bands[3].Prior.Mean);
    }

    [Fact]
    public void Fit_data_with_different_band_counts_do_not_merge_and_merged_data_fit_like_one_pass()
    {
        var a = new RankingFitData(new RankerOptions { ImpressionBands = 7 });
        Assert.Throws<ArgumentException>(() => a.Merge(new RankingFitData(new RankerOptions { ImpressionBands = 6 })));
        Assert.Throws<ArgumentException>(() => ProductRanker.Fit(Catalogue, new RankerOptions { FirstBandEdge = 0 }));
        // The edge is cut after the pass, so halves merged give the model one pass gives, category totals included.
        var options = new RankerOptions { CategoryPooling = true };
        var (first, second) = (new RankingFitData(options), new RankingFitData(options));
        for (var i = 0; i < Catalogue.Count; i++) (i % 2 == 0 ? first : second).Add(Catalogue[i]);
        first.Merge(second);
        var merged = ProductRanker.Fit(first, options);
        var direct = ProductRanker.Fit(Catalogue, options);
        Assert.Equal(direct.Bands, merged.Bands);
        Assert.Equal(direct.Scores(Catalogue), merged.Scores(Catalogue));
    }

    [Fact]
    public void The_first_edge_is_the_views_at_the_quantile()
    {
        // Views 1..100 once each: rank floor(0.28 * 99) = 27 in ascending order holds 28 views.
        var h = Enumerable.Range(1, 100).Select(v => ((long)v, 1L)).ToList();
        Assert.Equal(28, ImpressionBands.EdgeAt(h, 0.28));
        Assert.Equal(1, ImpressionBands.EdgeAt(h, 0.001));
        Assert.Equal(99, ImpressionBands.EdgeAt(h, 0.999)); // rank floor(0.999 * 99) = 98
        // Counts weight the views; products without views do not count.
        Assert.Equal(50, ImpressionBands.EdgeAt([(0, 1000), (10, 1), (50, 3)], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImpressionBands.EdgeAt(h, 1.0));
    }

    [Fact]
    public void The_quantile_edge_moves_with_the_units_and_an_explicit_edge_turns_it_off()
    {
        var model = ProductRanker.Fit(Catalogue);
        var viewed = Catalogue.Where(p => p.Impressions > 0).Select(p => p.Impressions).Order().ToList();
        Assert.Equal(ImpressionBands.FirstEdgeQuantile, model.FirstEdgeQuantile);
        Assert.Equal(viewed[(int)Math.Floor(0.28 * (viewed.Count - 1))], model.Options.FirstBandEdge);
        Assert.Null(model.Options.FirstEdgeQuantile);
        Assert.StartsWith($"[0, {model.Options.FirstBandEdge})", model.Bands[0].Label);
        // Every product shown twice as often (same CTRs): the edge doubles, so the bands hold the same products.
        var doubled = Catalogue.Select(p => p with { Impressions = 2 * p.Impressions, Clicks = 2 * p.Clicks }).ToList();
        Assert.Equal(2 * model.Options.FirstBandEdge, ProductRanker.Fit(doubled).Options.FirstBandEdge);
        Assert.Equal(model.Bands.Select(b => b.Products), ProductRanker.Fit(doubled).Bands.Select(b => b.Products));
        // An explicit edge is used as given.
        var explicitEdge = ProductRanker.Fit(Catalogue, new RankerOptions { FirstBandEdge = 20 });
        Assert.Equal(20, explicitEdge.Options.FirstBandEdge);
        Assert.Null(explicitEdge.FirstEdgeQuantile);
        Assert.Null((new RankerOptions() with { FirstBandEdge = 32 }).FirstEdgeQuantile);
        Assert.Throws<ArgumentException>(() => ProductRanker.Fit(Catalogue, new RankerOptions { FirstEdgeQuantile = 1.5 }));
    }

    [Fact]
    public void Invalid_options_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => ProductRanker.Fit(Catalogue, new RankerOptions { CredibleLevel = 1.5 }));
        Assert.Contains("CredibleLevel", e.Message);
    }
}

public class RankingFitDataBinsTests
{
    [Fact]
    public void Every_whole_number_of_views_falls_in_the_bin_whose_lower_views_it_reaches()
    {
        // Bin of v is floor(8 log2 v); the bin's smallest whole views are ceil(2^(b/8)); the table and the logarithm agree.
        for (long v = 1; v < 40_000; v++)
        {
            var b = RankingFitData.BinOf(v);
            Assert.True(RankingFitData.BinLowerViews(b) <= v, $"{v} below its bin {b}");
            Assert.True(b + 1 >= 64 * RankingFitData.BinsPerDoubling || RankingFitData.BinLowerViews(b + 1) > v, $"{v} reaches bin {b + 1}");
        }
        Assert.Equal(0, RankingFitData.BinOf(1));
        Assert.Equal(8, RankingFitData.BinOf(2));
        Assert.Equal(80, RankingFitData.BinOf(1024));
    }
}
