using System.Text.RegularExpressions;
using Workbook.Notebooks;
using Workbook.Reports;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Reports;

[Collection(Workbook.Tests.Notebooks.NotebookRuns.Name)]
public class ReportRenderTests(RenderedTour tour) : IClassFixture<RenderedTour>
{
    [Fact]
    public void Notebook_00_renders_to_one_self_contained_file_with_its_metadata()
    {
        Assert.True(tour.Cli.ExitCode == 0, tour.Cli.Stdout + tour.Cli.Stderr);
        Assert.Contains("00-workbook-tour.html", tour.Cli.Stdout);
        var html = File.ReadAllText(tour.ReportPath);
        // Self-contained: plotly.js inlined exactly once, no external script, stylesheet or image.
        Assert.Equal(1, Regex.Count(html, Regex.Escape("plotly.js v" + PlotlyJs.Version)));
        Assert.DoesNotMatch(new Regex("<(script|link|img)[^>]+(src|href)=\"(https?:)?//"), html);
        // Contents list, charts and a truncated table.
        Assert.Contains("<nav class=\"wb-toc\">", html);
        Assert.Contains("href=\"#from-data-to-a-chart\"", html);
        Assert.Equal(3, Regex.Count(html, "<div class=\"wb-figure\""));
        Assert.Matches(@"Showing the first 10 of [\d,]+ rows; [\d,]+ more not shown\.", html);
        // Run metadata: commit, per-cell durations and the SHA-256 of the data file read.
        var (commit, _) = Provenance.GitState();
        Assert.Contains(commit, html);
        Assert.Contains("<h3>Cells</h3>", html);
        Assert.Contains(FileHash.Of(WorkbookPaths.Data("ranking", "product_scoring.csv")).Sha256, html);
        Assert.Contains("<meta name=\"workbook-status\" content=\"ok\">", html);
    }

    [Fact]
    public void The_index_links_the_report_with_its_summary()
    {
        var index = File.ReadAllText(tour.IndexPath);
        Assert.Contains("href=\"00-workbook-tour.html\"", index);
        Assert.Contains("Workbook tour", index);
        Assert.Contains("How the workbook is organised, how to open its notebooks in VS Code", index);
        Assert.Equal("Workbook tour", ReportIndex.Read(tour.Directory).Single().Title);
    }

    [Fact]
    public void A_failing_notebook_still_gets_its_report_with_the_error_in_place_and_a_non_zero_exit()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-fail-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var dib = Path.Combine(dir, "broken.dib");
            File.WriteAllText(dib, "#!markdown\n\n# Broken\n\nA notebook that fails.\n\n#!csharp\n\nConsole.WriteLine(\"ran\");\n\n#!csharp\n\nvar n = 0;\nvar r = 10 / n;\n\n#!csharp\n\n\"after\"\n");
            var r = CliProcess.Run(["report", dib, "--output", dir], timeout: TimeSpan.FromMinutes(2));
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("cell 3, line 14: System.DivideByZeroException", r.Stderr);
            var html = File.ReadAllText(Path.Combine(dir, "broken.html"));
            Assert.Contains("This notebook did not run to the end.", html);
            Assert.Contains("<div class=\"wb-error\">", html);
            Assert.Contains("Not run: an earlier cell failed.", html);
            Assert.Contains(">ran\n<", html);
            Assert.Contains("<meta name=\"workbook-status\" content=\"failed\">", html);
            Assert.Contains("failed", File.ReadAllText(Path.Combine(dir, "index.html")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Reports_are_replaced_atomically_and_leave_no_temp_files()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-atomic-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var path = Path.Combine(dir, "x.html");
            AtomicFile.WriteAllText(path, "old");
            AtomicFile.WriteAllText(path, "new");
            Assert.Equal("new", File.ReadAllText(path));
            Assert.Equal(["x.html"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
