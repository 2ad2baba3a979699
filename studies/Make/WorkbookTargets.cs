namespace Workbook.Make;

/// <summary>
/// Every target of the workbook-wide DAG: each domain's list, concatenated. A new domain adds its list here; the
/// engine checks that names and outputs do not collide.
/// </summary>
public static class WorkbookTargets
{
    public static IReadOnlyList<Target> All =>
    [
        .. SearchLogTargets.All,
        .. EnrichmentTargets.All,
        .. ClassifierTargets.All,
        .. RankingTargets.All,
        .. RankingDepthTargets.All,
        .. AutoMLTargets.All,
    ];
}
