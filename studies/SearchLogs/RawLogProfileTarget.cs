using Workbook.Reports;
using Workbook.SearchLogs;

namespace Workbook.Make;

/// <summary>
/// <c>search-logs-profile</c>: what notebook 04 measures on the raw logs before deciding each cleaning rule
/// (timestamp spellings and offsets, duplicate requests and which copy the clicks point to, repeated clicks, orphans,
/// click delays, odd queries), one JSON file per table in <c>data/derived/search-logs/profile/</c>.
/// </summary>
public static class RawLogProfileTarget
{
    public const string Folder = SearchLogTargets.Folder + "/profile";

    /// <summary>The counts the notebook's prose refers to, so no number is typed into markdown.</summary>
    public sealed record Facts(
        int RequestRows, int ClickRows, int DistinctSearchIds, int Users,
        int DuplicatedSearchIds, int ExtraRequestRows, double DuplicatedSearchShare,
        int AnchoredGroups, double AnchoredMinDelaySeconds, double AnchoredMaxDelaySeconds, double OtherCopiesMedianDays, int AnchoredCopiesWithMillisecondSpelling,
        int ExactDuplicateClicks, double DuplicateClickShare, int RepeatedClickGroups,
        int SearchesWithSeveralClickedResults, int MostClickedResultsInOneSearch,
        int OrphanClicks, double OrphanClickShare, int DistinctOrphanSearchIds,
        double DelayMedianSeconds, double DelayP99Seconds, double DelayMaxSeconds, int NegativeDelays);

    public static Target Target { get; } = new(
        Name: "search-logs-profile",
        Description: "profile the raw search logs: timestamps, duplicates, repeated and orphan clicks, delays, odd queries",
        Inputs: [SearchLogTargets.RawLogs],
        DependsOn: [],
        Parameters: new Dictionary<string, string>(),
        Code: ["lib/SearchLogs/*.cs", "studies/SearchLogs/RawLogProfileTarget.cs"],
        Outputs: [Folder],
        Build: (context, _) =>
        {
            Build(context);
            return Task.CompletedTask;
        });

    private static void Build(TargetContext context)
    {
        var raw = RawLogProfile.Load(context.Input(SearchLogTargets.RawLogs));
        string Out(string file) => context.Output($"{Folder}/{file}");

        Artifact.Write(Out("timestamp-shapes.json"), raw.TimestampShapes());
        Artifact.Write(Out("offsets.json"), raw.Offsets());
        var duplicates = raw.DuplicateRequests();
        Artifact.Write(Out("duplicate-requests.json"), duplicates);
        Artifact.Write(Out("duplicate-rules.json"), raw.DuplicateRules());
        var repeated = raw.RepeatedClicks();
        Artifact.Write(Out("repeated-clicks.json"), repeated);
        var delays = raw.ClickDelaysSeconds();
        Artifact.Write(Out("click-delays.json"), delays);
        Artifact.Write(Out("query-kinds.json"), raw.QueryKinds());

        var requestIds = raw.Requests.Select(r => r.SearchId).ToHashSet(StringComparer.Ordinal);
        var orphans = raw.Clicks.Where(c => !requestIds.Contains(c.SearchId)).ToList();
        var anchored = duplicates.Where(d => d.Clicks > 0).ToList();
        var clickedResults = raw.Clicks.Where(c => requestIds.Contains(c.SearchId))
            .GroupBy(c => c.SearchId).Select(g => g.Select(c => c.Cid).Distinct().Count()).Where(n => n > 1).ToList();
        var sorted = delays.Order().ToList();
        var exact = raw.ExactDuplicateClicks();
        Artifact.Write(Out("facts.json"), new Facts(
            raw.Requests.Count, raw.Clicks.Count, requestIds.Count, raw.Requests.Select(r => r.Cuid).Distinct().Count(),
            duplicates.Count, duplicates.Sum(d => d.Copies - 1), (double)duplicates.Count / Math.Max(1, requestIds.Count),
            anchored.Count,
            anchored.Count == 0 ? 0 : anchored.Min(d => d.AnchoredDelaySeconds),
            anchored.Count == 0 ? 0 : anchored.Max(d => d.AnchoredDelaySeconds),
            anchored.Count == 0 ? 0 : anchored.Select(d => d.OtherCopiesMedianDays).Order().ElementAt(anchored.Count / 2),
            anchored.Count(d => d.AnchoredCopy.Contains(".000 ", StringComparison.Ordinal)),
            exact, (double)exact / Math.Max(1, raw.Clicks.Count), repeated.Count,
            clickedResults.Count, clickedResults.DefaultIfEmpty(0).Max(),
            orphans.Count, (double)orphans.Count / Math.Max(1, raw.Clicks.Count), orphans.Select(c => c.SearchId).Distinct().Count(),
            sorted.Count == 0 ? 0 : sorted[sorted.Count / 2],
            sorted.Count == 0 ? 0 : sorted[(int)(sorted.Count * 0.99)],
            sorted.Count == 0 ? 0 : sorted[^1],
            sorted.Count(d => d < 0)));
    }
}
