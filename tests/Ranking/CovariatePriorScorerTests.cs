using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class CovariatePriorScorerTests
{
    [Fact]
    public void Category_level_counts_the_other_folds_and_shrinks_by_twenty_expected_clicks()
    {
        ProductStats P(string cat, long clicks) => new($"p{cat}{clicks}", cat, 1.0, clicks, 100);
        // Positions 0-5: folds 0,1,2,3,4,0. Category a holds positions 0, 1 and 5; b holds 2; c holds 3 and 4.
        var products = new[] { P("a", 10), P("a", 30), P("b", 0), P("c", 4), P("c", 6), P("a", 50) };
        var levels = CovariatePriorScorer.CategoryLevels(products, _ => 10);
        // Positions 0 and 5 share fold 0: each sees only position 1, (30 + 20) / (10 + 20).
        Assert.Equal(Math.Log(50 / 30.0), levels[0], 12);
        Assert.Equal(levels[0], levels[5], 12);
        // Position 1 sees positions 0 and 5: (60 + 20) / (20 + 20).
        Assert.Equal(Math.Log(80 / 40.0), levels[1], 12);
        // Alone in its category: nothing in the other folds, level 0.
        Assert.Equal(0, levels[2], 12);
        Assert.Equal(Math.Log(26 / 30.0), levels[3], 12);
    }

    [Fact]
    public void Every_variant_scores_every_product_and_reruns_agree()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 300);
        foreach (var c in Enum.GetValues<PriorCovariate>())
        {
            var scorer = new CovariatePriorScorer(c);
            var a = scorer.Score(products);
            Assert.Equal(products.Count, a.Length);
            Assert.All(a, s => Assert.True(double.IsFinite(s) && s >= 0));
            Assert.Equal(a, scorer.Score(products));
        }
        // Category B is twice as clickable: with the level in the prior, a B product with the same counts scores higher.
        var withLevel = new CovariatePriorScorer(PriorCovariate.CategoryLevel);
        var twins = products.Append(new ProductStats("twinA", "A", 1.0, 0, 50)).Append(new ProductStats("twinB", "B", 1.0, 0, 50)).ToList();
        var s = withLevel.Score(twins);
        Assert.True(s[^1] > s[^2], $"B {s[^1]} vs A {s[^2]}");
    }
}

public class CategoryLevelBandScorerTests
{
    [Fact]
    public void With_one_category_the_level_is_nearly_constant_and_scores_follow_the_band_model()
    {
        // One category: every product's level is its category-mates' clicks over their expected clicks, close to 0 and
        // nearly constant, so the refit can only tilt the band priors slightly: the order stays the band model's at the top.
        var rng = new Random(8);
        var products = Enumerable.Range(0, 1500).Select(i =>
        {
            var n = rng.Next(20, 600);
            var p = rng.NextDouble() < 0.4 ? 0 : MathNet.Numerics.Distributions.Beta.Sample(rng, 2, 100);
            return new ProductStats($"p{i}", "c", 1.0, MathNet.Numerics.Distributions.Binomial.Sample(rng, p, n), n);
        }).ToList();
        var banded = ProductRanker.Fit(products).Scores(products);
        var leveled = new CategoryLevelBandScorer().Score(products);
        var topBanded = RankOrder.Descending(banded).Take(50).ToHashSet();
        var topLeveled = RankOrder.Descending(leveled).Take(50).ToHashSet();
        Assert.True(topBanded.Intersect(topLeveled).Count() >= 45);
    }

    [Fact]
    public void A_more_clickable_category_lifts_products_with_the_same_counts()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 600)
            .Append(new ProductStats("twinA", "A", 1.0, 1, 60)).Append(new ProductStats("twinB", "B", 1.0, 1, 60)).ToList();
        var s = new CategoryLevelBandScorer().Score(products);
        Assert.True(s[^1] > s[^2] * 1.1, $"B {s[^1]} vs A {s[^2]}");
        Assert.Equal(s, new CategoryLevelBandScorer().Score(products));
    }
}
