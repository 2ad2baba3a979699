namespace Workbook.Make;

/// <summary>Notebook 02's targets (placeholder: the studies helper writes them).</summary>
public static class ClassifierTargets
{
    public static IReadOnlyList<Target> All => [];
}
