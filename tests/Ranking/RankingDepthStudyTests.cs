using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class RankingDepthStudyTests
{
    [Fact]
    public void Target_rows_read_the_report_and_need_eighty_percent_against_every_baseline()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 200);
        var report = RankingDepthStudy.Compare(products, [1, 2, 3], 0.5);
        Assert.Equal([RankingDepthStudy.Model, RankingDepthStudy.Raw, RankingDepthStudy.Wilson, RankingDepthStudy.Cpc, RankingDepthStudy.CategoryLevelCandidate], report.Scorers);
        var rows = RankingDepthStudy.Targets(report);
        Assert.Equal(ListMetric.Standard.Select(m => m.Name), rows.Select(r => r.Metric));
        Assert.Equal(report.Mean(RankingDepthStudy.Raw, ListMetric.Standard[2]), rows[2].Raw, 12);
        Assert.Equal(report.WinRate(RankingDepthStudy.Model, RankingDepthStudy.Cpc, ListMetric.Standard[4]), rows[4].WinsOverCpc, 12);
        Assert.Equal(rows[0].Model - rows[0].Raw, RankingDepthStudy.NdcgAt100Margin(report), 12);
        Assert.True(new DepthTargetRow("m", 1, 0, 0, 0, 0.8, 0.9, 1).BeatsEveryBaseline);
        Assert.False(new DepthTargetRow("m", 1, 0, 0, 0, 0.8, 0.79, 1).BeatsEveryBaseline);
    }

    [Fact]
    public void Calibration_target_looks_only_at_bands_with_enough_products()
    {
        CalibrationRow Row(double perSeed, double predicted) => new("b", perSeed, predicted, 0.01);
        Assert.True(RankingDepthStudy.CalibratedInPopulatedBands([Row(150, 0.0109), Row(99, 0.02)]));
        Assert.False(RankingDepthStudy.CalibratedInPopulatedBands([Row(150, 0.0111), Row(99, 0.01)]));
        Assert.False(RankingDepthStudy.CalibratedInPopulatedBands([Row(100, 0.0089)]));
    }

    [Fact]
    public void Estimates_that_see_held_out_clicks_beat_leak_free_ones_and_reruns_agree()
    {
        var products = PriorAndPosteriorTests.SmallCatalogue(perCategory: 300);
        var a = ModelFreeEstimates.Run(products, [4, 5], 0.5);
        var b = ModelFreeEstimates.Run(products, [4, 5], 0.5);
        var whole = ListMetric.Standard[2];
        foreach (var name in ModelFreeEstimates.Names) Assert.Equal(a.Mean(name, whole), b.Mean(name, whole));
        // The whole file's raw CTR contains the held-out clicks it is scored on.
        Assert.Equal(1.0, a.WinRate(ModelFreeEstimates.WholeFile, ModelFreeEstimates.CrossFitted, whole));
        Assert.Equal(1.0, a.WinRate(ModelFreeEstimates.InSample, ModelFreeEstimates.CrossFitted, whole));
    }
}
