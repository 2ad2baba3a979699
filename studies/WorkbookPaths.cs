namespace Workbook;

/// <summary>
/// Where the workbook lives on disk, found from any working directory below it. The CLI, the DAG and the tests know
/// the layout; the library does not (its loaders and stores take paths).
/// </summary>
public static class WorkbookPaths
{
    /// <summary>The folder holding <c>Workbook.csproj</c>, searched upward from <paramref name="start"/> (default: the current directory).</summary>
    public static string Root(string? start = null)
    {
        var dir = new DirectoryInfo(start ?? Directory.GetCurrentDirectory());
        for (var d = dir; d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Workbook.csproj")))
                return d.FullName;
        // Fall back to the assembly's location (tests and notebooks run from bin folders below the root).
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Workbook.csproj")))
                return d.FullName;
        throw new DirectoryNotFoundException(
            $"No Workbook.csproj found above '{dir.FullName}'. Run from inside the workbook checkout.");
    }

    public static string Data(params string[] parts) => Path.Combine([Root(), "data", .. parts]);
    public static string Reports(params string[] parts) => Path.Combine([Root(), "reports", .. parts]);
}
