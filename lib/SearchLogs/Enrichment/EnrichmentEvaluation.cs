namespace Workbook.SearchLogs.Enrichment;

/// <summary>How well one way of proposing clips recovers the clicks of later searches.</summary>
public sealed record SystemScore(string System, Estimate RecallAt10, Estimate Mrr10);

/// <summary>One test search with a click, as each system saw it (for the notebook's examples).</summary>
public sealed record EvaluatedSearch(string Query, string Normalized, bool Seen, string Clicked, int RawRank, int EnrichedRank, string? Correction, string? TopRelated);

/// <summary>The offline evaluation of enrichment on a time split.</summary>
/// <param name="EnrichedMinusRaw">Paired bootstrap of the per-search recall@10 difference (enriched - raw).</param>
/// <param name="UnseenCoverage">Of test searches whose normalized query never occurs in training, the share for which
/// enrichment proposes at least one clip.</param>
/// <param name="UnseenRelated">Same, at least one related query.</param>
/// <param name="ZeroResultRescue">Of test searches that returned zero results, the share for which enrichment proposes
/// a different query (corrected or related) that returned results in training.</param>
public sealed record EnrichmentEvaluationReport(
    DateTime Cutoff,
    int TrainSearches,
    int TrainClicks,
    int TestSearches,
    int TestSearchesWithClick,
    IReadOnlyList<SystemScore> Systems,
    Estimate EnrichedMinusRaw,
    Estimate UnseenCoverage,
    Estimate UnseenRelated,
    Estimate ZeroResultRescue,
    IReadOnlyList<EvaluatedSearch> Cases);

/// <summary>
/// Offline evaluation on a time split (train on earlier searches, test on later ones). For each test search with a
/// click, the clicked clips are looked up among the first 10 clips proposed (a) for the raw query string exactly as
/// typed (clips clicked for it in training, most clicked first), (b) for the normalized query, and (c) by
/// enrichment. Intervals are 95% percentile bootstraps over test searches (seeded) and Wilson intervals for shares.
/// </summary>
public static class EnrichmentEvaluation
{
    public const int K = 10;

    /// <summary>Evaluates the default index on the default time split (80% train) and bootstrap seed.</summary>
    public static EnrichmentEvaluationReport Run(CleanLog log) => Run(log, null);

    internal static EnrichmentEvaluationReport Run(CleanLog log, EnrichmentOptions? options = null,
        double trainFraction = 0.8, int seed = 42)
    {
        var split = Splittable(log, trainFraction);
        var index = EnrichmentIndex.Build(split.Train, options);
        return Evaluate(split, index, seed);
    }

    /// <summary>The time split, or a clear error when the logs are too thin for one (an empty database, one instant,
    /// no test search with a click): an evaluation of nothing would print intervals of nothing.</summary>
    private static TimeSplit Splittable(CleanLog log, double trainFraction)
    {
        var why = $"the clean logs hold {log.Searches.Count:N0} searches and {log.Clicks.Count:N0} clicks";
        if (log.Searches.Count < 2) throw new InvalidDataException($"Nothing to evaluate: {why}; a time split needs at least two searches.");
        var split = TimeSplit.ByFraction(log, trainFraction);
        var testClicks = split.Test.ClicksBySearch();
        if (split.Train.Searches.Count == 0 || !split.Test.Searches.Any(s => testClicks.Contains(s.SearchId)))
            throw new InvalidDataException($"Nothing to evaluate: {why}; the time split at {split.Cutoff:O} leaves " +
                                           $"{split.Train.Searches.Count:N0} training searches and no test search with a click.");
        return split;
    }

    /// <summary>One row of an ablation: a configuration's enriched scores on the same split.</summary>
    public sealed record Variant(string Name, Estimate RecallAt10, Estimate Mrr10, Estimate UnseenCoverage, Estimate ZeroResultRescue);

    /// <summary>Evaluates several configurations on the same time split (ablations and sensitivity).</summary>
    internal static IReadOnlyList<Variant> Compare(CleanLog log, IEnumerable<(string Name, EnrichmentOptions Options)> variants,
        double trainFraction = 0.8, int seed = 42)
    {
        var split = Splittable(log, trainFraction);
        return variants.Select(v =>
        {
            var r = Evaluate(split, EnrichmentIndex.Build(split.Train, v.Options), seed);
            var enriched = r.Systems[^1];
            return new Variant(v.Name, enriched.RecallAt10, enriched.Mrr10, r.UnseenCoverage, r.ZeroResultRescue);
        }).ToList();
    }

    /// <summary>Evaluates an index built on <paramref name="split"/>'s training part.</summary>
    internal static EnrichmentEvaluationReport Evaluate(TimeSplit split, EnrichmentIndex index, int seed = 42)
    {
        var trainClicks = split.Train.ClicksBySearch();
        var byRaw = ClickCounts(split.Train, trainClicks, s => s.Query);
        var byNormalized = ClickCounts(split.Train, trainClicks, s => Normalized(s.Query));
        var testClicks = split.Test.ClicksBySearch();

        var raw = new List<double>(); var rawRr = new List<double>();
        var norm = new List<double>(); var normRr = new List<double>();
        var enr = new List<double>(); var enrRr = new List<double>();
        var diff = new List<double>();
        var cases = new List<EvaluatedSearch>();
        int unseen = 0, unseenClips = 0, unseenRelated = 0, zero = 0, zeroRescued = 0;

        foreach (var search in split.Test.Searches)
        {
            var normalized = QueryNormalizer.Normalize(search.Query);
            if (normalized.Kind != QueryKind.Search) continue;
            var result = index.Enrich(search.Query);
            var seen = index.IsKnown(normalized.Text);
            if (!seen)
            {
                unseen++;
                if (result.SuggestedClips.Count > 0) unseenClips++;
                if (result.RelatedQueries.Count > 0) unseenRelated++;
            }
            if (search.Total == 0)
            {
                zero++;
                var proposals = result.RelatedQueries.Select(r => r.Query).Prepend(result.CorrectedQuery);
                if (proposals.Any(q => q is not null && q != normalized.Text && index.HadResults(q))) zeroRescued++;
            }

            var clicked = testClicks[search.SearchId].Select(c => c.ClipId).ToHashSet(StringComparer.Ordinal);
            if (clicked.Count == 0) continue;
            var rawList = byRaw.GetValueOrDefault(search.Query, []);
            var normList = byNormalized.GetValueOrDefault(normalized.Text, []);
            var enrList = result.SuggestedClips.Select(c => c.ClipId).ToList();
            raw.Add(RankingMetrics.RecallAt(rawList, clicked, K)); rawRr.Add(RankingMetrics.ReciprocalRank(rawList, clicked, K));
            norm.Add(RankingMetrics.RecallAt(normList, clicked, K)); normRr.Add(RankingMetrics.ReciprocalRank(normList, clicked, K));
            enr.Add(RankingMetrics.RecallAt(enrList, clicked, K)); enrRr.Add(RankingMetrics.ReciprocalRank(enrList, clicked, K));
            diff.Add(enr[^1] - raw[^1]);
            cases.Add(new EvaluatedSearch(search.Query, normalized.Text, seen, string.Join(' ', clicked.Order(StringComparer.Ordinal)),
                Rank(rawList, clicked), Rank(enrList, clicked), result.CorrectedQuery, result.RelatedQueries.FirstOrDefault()?.Query));
        }

        var systems = new List<SystemScore>
        {
            new("raw query, exact match", Statistics.BootstrapMean(raw, seed: seed), Statistics.BootstrapMean(rawRr, seed: seed)),
            new("normalized query, exact match", Statistics.BootstrapMean(norm, seed: seed), Statistics.BootstrapMean(normRr, seed: seed)),
            new("enriched (spelling + walk + back-off)", Statistics.BootstrapMean(enr, seed: seed), Statistics.BootstrapMean(enrRr, seed: seed)),
        };
        return new EnrichmentEvaluationReport(split.Cutoff, split.Train.Searches.Count, split.Train.Clicks.Count,
            split.Test.Searches.Count, raw.Count, systems, Statistics.BootstrapMean(diff, seed: seed),
            Statistics.Wilson(unseenClips, unseen), Statistics.Wilson(unseenRelated, unseen),
            Statistics.Wilson(zeroRescued, zero), cases);
    }

    /// <summary>1-based rank of the first clicked clip among the first K proposals; 0 when absent.</summary>
    private static int Rank(IReadOnlyList<string> ranked, IReadOnlySet<string> clicked)
    {
        var rr = RankingMetrics.ReciprocalRank(ranked, clicked, K);
        return rr == 0 ? 0 : (int)Math.Round(1 / rr);
    }

    private static string Normalized(string query)
    {
        var n = QueryNormalizer.Normalize(query);
        return n.Kind == QueryKind.Search ? n.Text : "";
    }

    /// <summary>For each query key, the clips clicked for it in training, most clicked first (ties by clip id).</summary>
    private static Dictionary<string, List<string>> ClickCounts(CleanLog train, ILookup<string, LoggedClick> clicks,
        Func<LoggedSearch, string> key)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var s in train.Searches)
        {
            var k = key(s);
            if (k.Length == 0) continue;
            foreach (var c in clicks[s.SearchId])
            {
                if (!counts.TryGetValue(k, out var perClip)) counts[k] = perClip = new Dictionary<string, int>(StringComparer.Ordinal);
                perClip[c.ClipId] = perClip.GetValueOrDefault(c.ClipId) + 1;
            }
        }
        return counts.ToDictionary(kv => kv.Key,
            kv => kv.Value.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToList(),
            StringComparer.Ordinal);
    }
}
