using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class DepthEvaluationTests
{
    private static readonly ListMetric Ndcg2 = new(ListMetricKind.Ndcg, 2);
    private static readonly ListMetric Gain2 = new(ListMetricKind.MeanGain, 2);
    private static readonly ListMetric NdcgAll = new(ListMetricKind.Ndcg, int.MaxValue);

    [Fact]
    public void Metrics_match_hand_computation_at_every_depth()
    {
        // Gains 3,2,1,0; the scores put them in the order 2,3,0,1 (by gain).
        double[] gains = [3, 2, 1, 0];
        double[] scores = [0.5, 0.9, 0.1, 0.2];
        bool[] measured = [true, true, true, true];
        var m = DepthEvaluation.Measure(scores, gains, measured, [Ndcg2, Gain2, NdcgAll, new(ListMetricKind.MeanGain, 3)]);
        var idcg2 = 3 + 2 / Math.Log2(3);
        Assert.Equal((2 + 3 / Math.Log2(3)) / idcg2, m[0], 12);
        Assert.Equal(2.5, m[1], 12);
        var dcgAll = 2 + 3 / Math.Log2(3) + 0 / 2.0 + 1 / Math.Log2(5);
        var idcgAll = 3 + 2 / Math.Log2(3) + 1 / 2.0 + 0;
        Assert.Equal(dcgAll / idcgAll, m[2], 12);
        Assert.Equal(5 / 3.0, m[3], 12);
        // The best order scores 1 on every NDCG.
        Assert.Equal(1.0, DepthEvaluation.Measure(gains, gains, measured, [NdcgAll])[0], 12);
    }

    [Fact]
    public void Unmeasured_products_are_skipped_and_depth_beyond_the_list_means_the_whole_list()
    {
        double[] gains = [0, 5, 1];
        bool[] measured = [true, false, true];
        // Product 1 has the top score but no held-out views: the list is products 0 and 2.
        var m = DepthEvaluation.Measure([1, 9, 2], gains, measured, [new(ListMetricKind.MeanGain, 1), new(ListMetricKind.MeanGain, 100), new(ListMetricKind.Ndcg, 100)]);
        Assert.Equal(1.0, m[0], 12);
        Assert.Equal(0.5, m[1], 12);
        Assert.Equal(1.0, m[2], 12);
    }

    [Fact]
    public void Ndcg_at_k_agrees_with_the_single_depth_evaluation_seed_by_seed()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue();
        IProductScorer[] scorers = [new BayesScorer(new RankerOptions()), new RawCtrScorer()];
        var seeds = OfflineEvaluation.Seeds(4);
        var depth = DepthEvaluation.Run(products, scorers, seeds, 0.5, [new(ListMetricKind.Ndcg, 50)]);
        var single = OfflineEvaluation.Run(products, scorers, seeds, k: 50);
        for (var j = 0; j < scorers.Length; j++)
            Assert.Equal(single.Metrics[j].NdcgBySeed, depth.Values[j][0]);
    }

    [Fact]
    public void Reruns_and_parallelism_give_the_same_numbers_and_a_better_scorer_wins()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue();
        IProductScorer[] scorers = [new BayesScorer(new RankerOptions()), new CpcScorer()];
        var a = DepthEvaluation.Run(products, scorers, OfflineEvaluation.Seeds(5), 0.8, maxParallelism: 1);
        var b = DepthEvaluation.Run(products, scorers, OfflineEvaluation.Seeds(5), 0.8, maxParallelism: 4);
        for (var j = 0; j < 2; j++)
            for (var m = 0; m < a.Metrics.Count; m++)
                Assert.Equal(a.Values[j][m], b.Values[j][m]);
        Assert.Equal(0.8, a.Fraction);
        var bayes = scorers[0].Name;
        var cpc = scorers[1].Name;
        // CTR varies 2x between categories and more between products: CPC alone loses at the top on every seed.
        Assert.Equal(1.0, a.WinRate(bayes, cpc, ListMetric.Standard[0]));
        Assert.Equal(0.0, a.WinRate(cpc, bayes, ListMetric.Standard[0]));
        var rows = a.Rows();
        Assert.Null(rows[0].ReferenceWins);
        Assert.Equal(a.Mean(cpc, ListMetric.Standard[3]), rows[1].Means[3], 12);
        Assert.Equal(a.WinRate(bayes, cpc, ListMetric.Standard[4]), rows[1].ReferenceWins![4], 12);
    }

    [Fact]
    public void Names_must_be_distinct_and_metric_names_read_well()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 50);
        Assert.Throws<ArgumentException>(() => DepthEvaluation.Run(products, [new CpcScorer(), new CpcScorer()], [1]));
        Assert.Equal(["NDCG@100", "NDCG@1000", "NDCG (whole list)", "mean gain, top 100", "mean gain, top 500"], ListMetric.Standard.Select(m => m.Name));
    }
}
