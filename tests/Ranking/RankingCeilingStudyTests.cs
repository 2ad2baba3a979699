using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class RankingCeilingStudyTests
{
    [Fact]
    public void A_world_keeps_views_prices_and_ids_and_redraws_clicks_from_its_true_ctrs()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 300);
        var (world, ctr) = RankingCeilingStudy.World(products, 7);
        Assert.Equal(products.Count, world.Count);
        Assert.Equal(products.Count, ctr.Length);
        for (var i = 0; i < products.Count; i++)
        {
            Assert.Equal(products[i] with { Clicks = world[i].Clicks }, world[i]);
            Assert.InRange(world[i].Clicks, 0, world[i].Impressions);
            Assert.InRange(ctr[i], 0, 1);
        }
        // Never-shown products get no clicks; the rest, Binomial(views, CTR): the total lands within 4 sd of its mean.
        Assert.All(world.Where(p => p.ViewsMissing), p => Assert.Equal(0, p.Clicks));
        var expected = world.Select((p, i) => p.Impressions * ctr[i]).Sum();
        var sd = Math.Sqrt(world.Select((p, i) => p.Impressions * ctr[i] * (1 - ctr[i])).Sum());
        Assert.InRange(world.Sum(p => p.Clicks), expected - 4 * sd, expected + 4 * sd);
        // The posterior draw follows each product's own evidence: the true CTRs track the recorded ones.
        var shown = Enumerable.Range(0, products.Count).Where(i => products[i].Impressions >= 500).ToList();
        Assert.True(Correlation(shown.Select(i => products[i].RawCtr).ToArray(), shown.Select(i => ctr[i]).ToArray()) > 0.5);
        // Same seed, same world; another seed, another.
        Assert.Equal(ctr, RankingCeilingStudy.World(products, 7).TrueCtr);
        Assert.NotEqual(ctr, RankingCeilingStudy.World(products, 8).TrueCtr);
    }

    [Fact]
    public void The_oracle_beats_raw_ctr_at_every_depth_and_the_model_is_measured_beside_it()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 300);
        var reports = RankingCeilingStudy.Run(products, [1, 2], [0, 1, 2], 0.5);
        Assert.Equal(2, reports.Count);
        foreach (var r in reports)
        {
            Assert.Equal([RankingDepthStudy.Model, RankingDepthStudy.Raw, RankingDepthStudy.Wilson, RankingDepthStudy.Cpc, RankingCeilingStudy.Oracle], r.Scorers);
            foreach (var m in ListMetric.Standard)
                Assert.True(r.Mean(RankingCeilingStudy.Oracle, m) > r.Mean(RankingDepthStudy.Raw, m), $"oracle <= raw at {m}");
        }
        Assert.NotEqual(reports[0].Mean(RankingDepthStudy.Raw, ListMetric.Standard[2]), reports[1].Mean(RankingDepthStudy.Raw, ListMetric.Standard[2]));
    }

    private static double Correlation(double[] x, double[] y)
    {
        var (mx, my) = (x.Average(), y.Average());
        var cov = x.Zip(y).Sum(t => (t.First - mx) * (t.Second - my));
        return cov / Math.Sqrt(x.Sum(a => (a - mx) * (a - mx)) * y.Sum(b => (b - my) * (b - my)));
    }
}
