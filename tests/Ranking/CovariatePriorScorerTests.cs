using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class CovariatePriorScorerTests
{
    [Fact]
    public void Category_level_leaves_the_product_out_and_shrinks_by_twenty_expected_clicks()
    {
        ProductStats P(string cat, long clicks) => new($"p{cat}{clicks}", cat, 1.0, clicks, 100);
        var products = new[] { P("a", 10), P("a", 30), P("b", 0) };
        // Everyone expected at 10 clicks. Product 0 sees its category-mate only: (30 + 20) / (10 + 20).
        var levels = CovariatePriorScorer.CategoryLevels(products, _ => 10);
        Assert.Equal(Math.Log(50 / 30.0), levels[0], 12);
        Assert.Equal(Math.Log(30 / 30.0), levels[1], 12);
        // Alone in its category: no evidence but itself, which is left out: level 0.
        Assert.Equal(0, levels[2], 12);
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
