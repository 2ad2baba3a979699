namespace Workbook.SearchLogs.Enrichment;

/// <summary>The numbers that decide what enrichment can learn from a log: how much repeats, how much is clicked.</summary>
/// <param name="SearchesOfOnceSeenQueries">Share of searches whose normalized query occurs only once in the log: no
/// exact-match method can help those.</param>
public sealed record CleanLogProfile(
    int Searches,
    int Clicks,
    int NotSearches,
    int DistinctQueries,
    double SearchesOfOnceSeenQueries,
    double ZeroResultShare,
    double SearchesWithClickShare,
    double ClicksPerClickedSearch,
    int DistinctClips,
    double ClipsClickedOnce,
    int Users,
    int SearchesWithinHalfHourOfSameUser,
    IReadOnlyList<int> ClickPositions)
{
    public static CleanLogProfile Of(CleanLog log)
    {
        var normalized = log.Searches.Select(s => QueryNormalizer.Normalize(s.Query)).ToList();
        var searchTexts = normalized.Where(n => n.Kind == QueryKind.Search).Select(n => n.Text).ToList();
        var counts = searchTexts.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        var clicked = log.Clicks.Select(c => c.SearchId).Distinct().Count();
        var clipCounts = log.Clicks.GroupBy(c => c.ClipId).Select(g => g.Count()).ToList();
        return new CleanLogProfile(
            log.Searches.Count,
            log.Clicks.Count,
            normalized.Count(n => n.Kind != QueryKind.Search),
            counts.Count,
            searchTexts.Count == 0 ? 0 : (double)searchTexts.Count(t => counts[t] == 1) / searchTexts.Count,
            log.Searches.Count == 0 ? 0 : (double)log.Searches.Count(s => s.Total == 0) / log.Searches.Count,
            log.Searches.Count == 0 ? 0 : (double)clicked / log.Searches.Count,
            clicked == 0 ? 0 : (double)log.Clicks.Count / clicked,
            clipCounts.Count,
            clipCounts.Count == 0 ? 0 : (double)clipCounts.Count(c => c == 1) / clipCounts.Count,
            log.Searches.Select(s => s.UserId).Distinct().Count(),
            FollowUps(log, TimeSpan.FromMinutes(30)),
            log.Clicks.Select(c => c.Position).ToList());
    }

    /// <summary>Searches made by the same user within <paramref name="gap"/> of their previous one: the raw material of sessions.</summary>
    private static int FollowUps(CleanLog log, TimeSpan gap) => log.Searches
        .Where(s => s.UserId.Length > 0)
        .GroupBy(s => s.UserId)
        .Sum(g => g.Zip(g.Skip(1)).Count(p => p.Second.TsUtc - p.First.TsUtc <= gap)); // searches are in time order
}

/// <summary>One enrichment flattened for a table.</summary>
internal sealed record EnrichmentExample(string Query, string Normalized, string Kind, bool Seen, string Correction, string RelatedQueries, string SuggestedClips)
{
    public static EnrichmentExample Of(EnrichmentResult r, int show = 3) => new(
        r.Input, r.Normalized.Text, r.SkipReason ?? r.Normalized.Kind.ToString(), r.KnownQuery,
        r.CorrectedQuery ?? "",
        string.Join("; ", r.RelatedQueries.Take(show).Select(q => $"{q.Query} ({q.Score:0.00}, {q.Source})")),
        string.Join("; ", r.SuggestedClips.Take(show).Select(c => $"{c.ClipId} ({c.Score:0.00})")));
}
