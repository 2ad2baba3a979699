using Microsoft.Playwright;
using Workbook.Tests.Infrastructure;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Reports;

/// <summary>Opens rendered reports from disk in Debian's Chromium and checks what a reviewer would see.</summary>
[Collection(Workbook.Tests.Notebooks.NotebookRuns.Name)]
public class BrowserTests(RenderedTour tour) : IClassFixture<RenderedTour>
{
    /// <summary>Where the test leaves its screenshot of notebook 00, for a human to look at.</summary>
    public static string ScreenshotPath => Path.Combine(Path.GetTempPath(), "workbook-00-workbook-tour.png");

    [Fact]
    public async Task Every_chart_of_notebook_00_draws_offline_without_errors()
    {
        Assert.True(tour.Cli.ExitCode == 0, tour.Cli.Stdout + tour.Cli.Stderr);
        await using var browser = await OpenBrowser();
        var (page, problems) = await OpenReport(browser, tour.ReportPath, expectedFigures: 3);
        // Bars, markers and histogram bins are really there, not just empty axes.
        Assert.True(await page.EvaluateAsync<int>("() => document.querySelectorAll('.wb-figure .bars .point, .wb-figure .scatterlayer .point').length") > 100);
        Assert.Empty(problems);

        await page.ScreenshotAsync(new() { Path = ScreenshotPath, FullPage = true });
        Assert.True(new FileInfo(ScreenshotPath).Length > 50_000);

        // The index links to the report.
        await page.GotoAsync(new Uri(tour.IndexPath).AbsoluteUri);
        await page.ClickAsync("a[href='00-workbook-tour.html']");
        Assert.Equal("Workbook tour", await page.TitleAsync());
    }

    [Fact]
    public Task Every_kind_of_chart_draws_in_a_rendered_report() => RenderAndOpen("Chart kinds", expectedFigures: 6,
        [
            "{LIB}\nusing Workbook.Reports;",
            "Chart.Line([1, 2, 3], [2, 4, 3], \"line\", \"x\", \"y\").AddLine(\"second\", [1, 2, 3], [1, 1, 2]).LogY()",
            "Chart.Heatmap(new double[,] { { 1, 2 }, { 3, 4 } }, [\"a\", \"b\"], [\"r1\", \"r2\"], \"heatmap\")",
            "Chart.Box(new Dictionary<string, IReadOnlyList<double>> { [\"g1\"] = [1, 2, 3, 9], [\"g2\"] = [2, 3, 4] }, \"box\", \"value\")",
            "Chart.Scatter([1, 2], [3, 4], \"scatter\", hover: [\"<b>p1</b>\", \"p2\"]).AddBar(\"bars\", [\"1\", \"2\"], [1, 2])",
            "Chart.Plotly(new { type = \"parcoords\", dimensions = new[] { new { label = \"a\", values = new[] { 1.0, 2.0 } }, new { label = \"b\", values = new[] { 3.0, 1.0 } } } }, new { title = new { text = \"parcoords\" } })",
            "display(Chart.Histogram([1, 2, 2, 3, 3, 3], \"histogram\", bins: 3));\nTable.FromRows([\"k\"], [[\"<v>\"]])",
        ],
        (page, _) => page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "workbook-chart-kinds.png"), FullPage = true }));

    [Fact]
    public Task A_cell_returning_a_Plotly_NET_chart_draws_offline_without_errors()
    {
        var bin = Path.GetDirectoryName(TempNotebook.LibraryReference.Split('"')[1])!;
        return RenderAndOpen("Plotly.NET", expectedFigures: 3,
            [
                $"{{LIB}}\n#r \"{Path.Combine(bin, "Plotly.NET.dll")}\"\n#r \"{Path.Combine(bin, "Plotly.NET.CSharp.dll")}\"\nusing Plotly.NET.CSharp;",
                // Returned, displayed, and combined: each draws with the workbook's plotly.js.
                "Chart.Point<double, double, string>(x: [1, 2, 3], y: [2, 4, 3], Name: \"points\").WithXAxisStyle<double, double, string>(TitleText: \"x from Plotly.NET\")",
                "display(Chart.Column<double, string, string>(values: [3, 1, 2], Keys: new[] { \"a\", \"b\", \"c\" }));",
                "Chart.Combine([Chart.Line<double, double, string>(x: [1, 2], y: [1, 2]), Chart.Bar<double, string, string>(values: [1, 2], Keys: new[] { \"x\", \"y\" })])",
            ],
            async (page, report) =>
            {
                // Plotly.NET's own formatter would load require.js and plotly.js 2.28 from CDNs; OpenReport fails on any request.
                Assert.DoesNotContain("requirejs", File.ReadAllText(report));
                Assert.True(await page.EvaluateAsync<int>("() => document.querySelectorAll('.wb-figure .scatterlayer .point, .wb-figure .bars .point').length") >= 8); // 3 points, 3 columns, 2 bars
                Assert.Contains("x from Plotly.NET", await page.InnerTextAsync(".wb-figure"));
                await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "workbook-plotly-net.png"), FullPage = true });
            });
    }

    /// <summary>
    /// Runs a notebook of <paramref name="cells"/> under a markdown title, renders its report, opens it, checks that
    /// <paramref name="expectedFigures"/> figures drew with no console error or request, then runs <paramref name="check"/>.
    /// </summary>
    private static async Task RenderAndOpen(string title, int expectedFigures, string[] cells, Func<IPage, string, Task> check)
    {
        using var nb = new TempNotebook(string.Join("\n\n#!csharp\n\n", cells.Prepend($"#!markdown\n\n# {title}")));
        var run = await new Workbook.Notebooks.NotebookRunner().RunAsync(nb.Path);
        Assert.False(run.Failed, string.Join("\n", run.Errors));
        var report = Workbook.Notebooks.NotebookReport.Write(run, nb.Directory);

        await using var browser = await OpenBrowser();
        var (page, problems) = await OpenReport(browser, report, expectedFigures);
        Assert.Empty(problems);
        await check(page, report);
    }

    /// <summary>Debian's Chromium driven by Playwright (no `playwright install`: the system browser is the one tested).</summary>
    internal sealed class Chromium(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public IBrowser Browser => browser;

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    internal static async Task<Chromium> OpenBrowser()
    {
        SystemSetup.Ensure();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = SystemSetup.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>
    /// Opens a report from disk, waits until every figure has drawn (plotly's .main-svg), and returns the page with
    /// every console error, page error, failed request and non-file request seen.
    /// </summary>
    private static async Task<(IPage Page, List<string> Problems)> OpenReport(Chromium chromium, string path, int expectedFigures)
    {
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add("console: " + m.Text); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.RequestFailed += (_, r) => problems.Add($"failed request: {r.Url}: {r.Failure}");
        page.Request += (_, r) => { if (!r.Url.StartsWith("file://", StringComparison.Ordinal)) problems.Add("network request: " + r.Url); };

        await page.GotoAsync(new Uri(path).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        Assert.Equal(expectedFigures, await page.Locator(".wb-figure").CountAsync());
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.wb-figure')].every(f => f.querySelector('.main-svg'))",
            null, new() { Timeout = 30_000 });
        return (page, problems);
    }
}
