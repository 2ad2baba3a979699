using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class OfflineEvaluationTests
{
    [Fact]
    public void Thinning_preserves_every_products_totals_and_is_seeded()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue();
        var (a, b) = ImpressionThinning.Split(products, seed: 9);
        for (var i = 0; i < products.Count; i++)
        {
            Assert.Equal(products[i].Impressions, a[i].Impressions + b[i].Impressions);
            Assert.Equal(products[i].Clicks, a[i].Clicks + b[i].Clicks);
            Assert.InRange(a[i].Clicks, 0, a[i].Impressions);
            Assert.InRange(b[i].Clicks, 0, b[i].Impressions);
        }
        Assert.Equal(a, ImpressionThinning.Split(products, seed: 9).First);
        Assert.NotEqual(a, ImpressionThinning.Split(products, seed: 10).First);
        // About half the impressions on each side.
        var share = a.Sum(p => (double)p.Impressions) / products.Sum(p => (double)p.Impressions);
        Assert.InRange(share, 0.49, 0.51);
    }

    [Fact]
    public void Ndcg_and_revenue_match_hand_computation()
    {
        // Gains 3,2,1,0; the scorer puts them in order 2,3,0,1 (by gain).
        double[] gains = [3, 2, 1, 0];
        double[] scores = [0.5, 0.9, 0.1, 0.2];
        bool[] measured = [true, true, true, true];
        var (ndcg, revenue) = OfflineEvaluation.Measure(scores, gains, measured, k: 2);
        var dcg = 2 / Math.Log2(2) + 3 / Math.Log2(3);
        var idcg = 3 / Math.Log2(2) + 2 / Math.Log2(3);
        Assert.Equal(dcg / idcg, ndcg, 12);
        Assert.Equal(1.0, revenue, 12); // both of the best two are in the top two
        (ndcg, revenue) = OfflineEvaluation.Measure(scores, gains, measured, k: 3);
        Assert.Equal((2 + 3 + 0) / 6.0, revenue, 12);
        Assert.Equal(1.0, OfflineEvaluation.Measure(gains, gains, measured, 4).Ndcg, 12);
    }

    [Fact]
    public void Unmeasured_products_are_left_out_and_ties_keep_input_order()
    {
        double[] gains = [0, 5, 1];
        bool[] measured = [true, false, true];
        // All scores tie: input order decides, product 1 is skipped, so the top-1 is product 0 with gain 0.
        var (ndcg, revenue) = OfflineEvaluation.Measure([1, 1, 1], gains, measured, k: 1);
        Assert.Equal(0, ndcg);
        Assert.Equal(0, revenue);
    }

    [Fact]
    public void Oracle_beats_cpc_on_a_catalogue_where_ctr_varies_and_reruns_are_identical()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue();
        var scorers = new IProductScorer[] { new BayesScorer(new RankerOptions()), new CpcScorer() };
        var r1 = OfflineEvaluation.Run(products, scorers, OfflineEvaluation.Seeds(6), k: 50);
        var r2 = OfflineEvaluation.Run(products, scorers, OfflineEvaluation.Seeds(6), k: 50);
        Assert.Equal(r1.Metrics[0].NdcgBySeed, r2.Metrics[0].NdcgBySeed);
        Assert.True(r1.Metrics[0].NdcgMean > r1.Metrics[1].NdcgMean);
        Assert.Equal(6, r1.Metrics[0].Seeds);
        Assert.Equal(products.Count(p => p.Impressions > 0), r1.EvaluatedProducts);
        Assert.Equal((1.0, 1.0), r1.WinRate(r1.Metrics[0].Scorer, r1.Metrics[1].Scorer));
    }

    [Fact]
    public void Top_k_disagreement_is_symmetric_and_vanishes_when_k_covers_everything()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue();
        var rows = RankingAnalysis.TopKDisagreement(products, new RankerOptions(), OfflineEvaluation.Seeds(3), k: 50);
        Assert.Equal(2, rows.Count);
        Assert.True(rows[0].ProductsPerSeed > 0);
        Assert.Equal(rows[0].ProductsPerSeed, rows[1].ProductsPerSeed);
        Assert.True(rows[1].MeanTrainCtr > 0 && rows[0].MeanHeldOutGain >= 0);
        var all = RankingAnalysis.TopKDisagreement(products, new RankerOptions(), OfflineEvaluation.Seeds(2), k: products.Count);
        Assert.All(all, r => Assert.Equal(0, r.ProductsPerSeed));
    }

    [Fact]
    public void Click_counts_by_views_count_each_range()
    {
        List<ProductStats> products =
        [
            new("a", "c", 1, 0, 20), new("b", "c", 1, 1, 21), new("c", "c", 1, 3, 23), new("d", "c", 1, 6, 30),
            new("e", "c", 1, 0, 0, ViewsMissing: true), new("f", "c", 1, 2, 100),
        ];
        var rows = RankingAnalysis.ClickCountsByViews(products, [20, 24, 32]);
        Assert.Equal(["[20, 24)", "[24, 32)"], rows.Select(r => r.Views));
        Assert.Equal(3, rows[0].Products);
        Assert.Equal((1 / 3.0, 1 / 3.0, 1 / 3.0, 0.0), (rows[0].NoClick, rows[0].OneClick, rows[0].TwoToFour, rows[0].FiveOrMore));
        Assert.Equal(4 / 44.0, rows[0].ClickedPooledCtr, 12);
        Assert.Equal((1, 1.0, 6 / 30.0), (rows[1].Products, rows[1].FiveOrMore, rows[1].ClickedPooledCtr));
    }

    [Fact]
    public void Wilson_lower_bound_matches_a_published_value()
    {
        // 0 of 10 gives 0; 5 of 10 at z=1.96 gives 0.2366 (standard Wilson interval table value).
        Assert.Equal(0, WilsonScorer.Lower(0, 10, 1.96));
        Assert.Equal(0.2366, WilsonScorer.Lower(5, 10, 1.96), 4);
    }

    [Fact]
    public void Additive_smoothing_uses_category_then_global()
    {
        var products = new List<ProductStats> { new("a", "X", 1, 10, 100), new("b", "X", 2, 0, 0), new("c", "Y", 1, 0, 100) };
        var s = new AdditiveSmoothingScorer(PseudoImpressions: 100).Score(products);
        var global = 10 / 200.0;
        var catX = (10 + 100 * global) / (100 + 100);
        Assert.Equal((10 + 100 * catX) / 200, s[0], 12);
        Assert.Equal(catX * 2, s[1], 12);
        var catY = (0 + 100 * global) / 200;
        Assert.Equal(100 * catY / 200, s[2], 12);
    }
}
