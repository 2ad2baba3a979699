namespace Workbook.Make;

/// <summary>
/// Every target of the workbook-wide DAG: each domain's list, concatenated. A new domain adds its list here; the
/// engine checks that names and outputs do not collide. Make starts ready targets in this order, so the long ones come
/// before many short ones (the AutoML demo and the depth study before notebook 03's smaller tables): a cold build then
/// ends on short targets instead of one long target running alone on a two-core machine.
/// </summary>
public static class WorkbookTargets
{
    public static IReadOnlyList<Target> All =>
    [
        .. SearchLogTargets.All,
        .. EnrichmentTargets.All,
        .. ClassifierTargets.All,
        .. AutoMLTargets.All,
        .. RankingDepthTargets.All,
        .. RankingTargets.All,
    ];
}
