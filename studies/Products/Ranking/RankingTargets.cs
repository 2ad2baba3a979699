namespace Workbook.Make;

/// <summary>Notebook 03's targets (placeholder: the studies helper writes them).</summary>
public static class RankingTargets
{
    public static IReadOnlyList<Target> All => [];
}
