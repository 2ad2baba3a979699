using Workbook.SearchLogs.Enrichment;

namespace Workbook.Tests.Enrichment;

public class TimeSplitTests
{
    [Fact]
    public void Nothing_in_training_is_at_or_after_the_cutoff()
    {
        var log = SyntheticSearchLog.Generate(3000, seed: 5);
        var split = TimeSplit.ByFraction(log, 0.7);
        Assert.All(split.Train.Searches, s => Assert.True(s.TsUtc < split.Cutoff));
        Assert.All(split.Train.Clicks, c => Assert.True(c.TsUtc < split.Cutoff));
        Assert.All(split.Test.Searches, s => Assert.True(s.TsUtc >= split.Cutoff));
        var trainIds = split.Train.Searches.Select(s => s.SearchId).ToHashSet();
        Assert.DoesNotContain(split.Test.Searches, s => trainIds.Contains(s.SearchId));
        Assert.All(split.Test.Clicks, c => Assert.DoesNotContain(c.SearchId, trainIds));
        Assert.Equal(log.Searches.Count, split.Train.Searches.Count + split.Test.Searches.Count);
        Assert.InRange(split.Train.Searches.Count, 2090, 2110);
    }

    [Fact]
    public void A_click_after_the_cutoff_on_an_earlier_search_is_left_out_of_training()
    {
        var t = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var log = new CleanLog(
            [new LoggedSearch("old", "cats", t, 5), new LoggedSearch("new", "dogs", t.AddHours(1), 5)],
            [new LoggedClick("old", "c1", 1, t.AddMinutes(1)), new LoggedClick("old", "c2", 1, t.AddHours(2)),
             new LoggedClick("new", "c3", 1, t.AddHours(1).AddMinutes(1))]);
        var split = TimeSplit.At(log, t.AddHours(1));
        Assert.Equal(["c1"], split.Train.Clicks.Select(c => c.ClipId));
        Assert.Equal(["c3"], split.Test.Clicks.Select(c => c.ClipId));
    }
}

public class RankingMetricsTests
{
    private static readonly IReadOnlySet<string> Clicked = new HashSet<string> { "b", "z" };

    [Fact]
    public void Recall_and_reciprocal_rank_match_hand_computation()
    {
        string[] ranked = ["a", "b", "c", "z"];
        Assert.Equal(0.5, RankingMetrics.RecallAt(ranked, Clicked, 3));  // b found, z at rank 4
        Assert.Equal(1.0, RankingMetrics.RecallAt(ranked, Clicked, 10));
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(ranked, Clicked, 10)); // first hit at rank 2
        Assert.Equal(0.0, RankingMetrics.ReciprocalRank(ranked, Clicked, 1));
        Assert.Equal(0.0, RankingMetrics.RecallAt([], Clicked, 10));
        Assert.Throws<ArgumentException>(() => RankingMetrics.RecallAt(ranked, new HashSet<string>(), 10));
    }

    [Fact]
    public void Wilson_interval_matches_published_values()
    {
        // 5/10: [0.2366, 0.7634]; 0/10: [0, 0.2775] (Wilson 1927; e.g. Brown, Cai and DasGupta 2001).
        var half = Statistics.Wilson(5, 10);
        Assert.Equal(0.5, half.Value);
        Assert.Equal(0.2366, half.Low, 4);
        Assert.Equal(0.7634, half.High, 4);
        var none = Statistics.Wilson(0, 10);
        Assert.Equal(0, none.Low);
        Assert.Equal(0.2775, none.High, 4);
    }

    [Fact]
    public void Bootstrap_is_seeded_and_brackets_the_mean()
    {
        var values = Enumerable.Range(0, 200).Select(i => i % 4 == 0 ? 1.0 : 0.0).ToList();
        var a = Statistics.BootstrapMean(values, seed: 1);
        Assert.Equal(a, Statistics.BootstrapMean(values, seed: 1));
        Assert.Equal(0.25, a.Value);
        Assert.True(a.Low < 0.25 && a.High > 0.25 && a.High - a.Low < 0.15);
        var constant = Statistics.BootstrapMean([1.0, 1.0, 1.0]);
        Assert.Equal((1.0, 1.0), (constant.Low, constant.High));
    }
}

public class EnrichmentEvaluationTests
{
    [Fact]
    public void Evaluation_on_a_hand_made_split_counts_what_each_system_finds()
    {
        var t = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var (searches, clicks) = SampleLog.Rows(); // all before 2020-01-01 04:00
        var later = t.AddDays(1);
        searches.AddRange([
            new LoggedSearch("t1", "Documentary", later, 10),          // raw string seen: both find clip 100
            new LoggedSearch("t2", "documentery", later.AddMinutes(1), 0), // typo, zero results: only enrichment finds 100
            new LoggedSearch("t3", "opera", later.AddMinutes(2), 3),    // unseen, no overlap: nobody finds 900
        ]);
        clicks.AddRange([
            new LoggedClick("t1", "100", 1, later.AddSeconds(5)),
            new LoggedClick("t2", "100", 1, later.AddMinutes(1).AddSeconds(5)),
            new LoggedClick("t3", "900", 1, later.AddMinutes(2).AddSeconds(5)),
        ]);
        var log = new CleanLog(searches, clicks);
        var split = TimeSplit.At(log, later);
        var report = EnrichmentEvaluation.Evaluate(split, EnrichmentIndex.Build(split.Train));

        Assert.Equal(3, report.TestSearchesWithClick);
        Assert.Equal(1.0 / 3, report.Systems[0].RecallAt10.Value, 12); // raw: t1 only
        Assert.Equal(2.0 / 3, report.Systems[2].RecallAt10.Value, 12); // enriched: t1 and t2
        Assert.Equal(2.0 / 3, report.Systems[2].Mrr10.Value, 12);      // both at rank 1
        Assert.Equal(1.0 / 3, report.EnrichedMinusRaw.Value, 12);
        Assert.Equal((1, 2), ((int)Math.Round(report.UnseenCoverage.Value * report.UnseenCoverage.N), report.UnseenCoverage.N));
        Assert.Equal((1.0, 1), (report.ZeroResultRescue.Value, report.ZeroResultRescue.N));
        Assert.Equal(0, report.Cases.Single(c => c.Query == "documentery").RawRank);
        Assert.Equal(1, report.Cases.Single(c => c.Query == "documentery").EnrichedRank);
    }
}
