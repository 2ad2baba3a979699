using Workbook.Notebooks;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Reports;

public class ReportIndexTests
{
    [Fact]
    public async Task A_report_whose_notebook_was_deleted_stays_listed_but_marked_stale()
    {
        using var kept = new TempNotebook("#!markdown\n\n# Kept\n\nStill here.\n", "kept.dib");
        var removedPath = Path.Combine(kept.Directory, "removed.dib");
        File.WriteAllText(removedPath, "#!markdown\n\n# Removed\n\nGone soon.\n");
        var output = Path.Combine(kept.Directory, "reports");
        foreach (var dib in new[] { kept.Path, removedPath })
            NotebookReport.Write(await new NotebookRunner().RunAsync(dib), output);
        File.Delete(removedPath);

        var index = File.ReadAllText(ReportIndex.Write(output));

        var entries = ReportIndex.Read(output).ToDictionary(e => e.Title);
        Assert.False(entries["Kept"].Stale);
        Assert.True(entries["Removed"].Stale);
        Assert.Equal(removedPath, entries["Removed"].Source);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(index, "stale: notebook removed"));
        Assert.Contains("href=\"removed.html\"", index);
    }
}
