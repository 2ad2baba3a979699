using Microsoft.Playwright;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Reports;

/// <summary>Opens rendered reports from disk in Debian's Chromium and checks what a reviewer would see.</summary>
public class BrowserTests(RenderedTour tour) : IClassFixture<RenderedTour>
{
    /// <summary>Where the test leaves its screenshot of notebook 00, for a human to look at.</summary>
    public static string ScreenshotPath => Path.Combine(Path.GetTempPath(), "workbook-00-workbook-tour.png");

    [Fact]
    public async Task Every_chart_of_notebook_00_draws_offline_without_errors()
    {
        Assert.True(tour.Cli.ExitCode == 0, tour.Cli.Stdout + tour.Cli.Stderr);
        SystemSetup.Ensure();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = SystemSetup.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var errors = new List<string>();
        var failed = new List<string>();
        var requests = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        page.RequestFailed += (_, r) => failed.Add($"{r.Url}: {r.Failure}");
        page.Request += (_, r) => requests.Add(r.Url);

        await page.GotoAsync(new Uri(tour.ReportPath).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        var figures = await page.Locator(".wb-figure").CountAsync();
        Assert.Equal(3, figures);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('.wb-figure')].every(f => f.querySelector('.main-svg'))",
            null, new() { Timeout = 30_000 });
        Assert.Equal(figures, await page.Locator(".wb-figure .main-svg >> nth=0").CountAsync() > 0
            ? await page.EvaluateAsync<int>("() => [...document.querySelectorAll('.wb-figure')].filter(f => f.querySelector('.main-svg')).length")
            : 0);
        // Bars, markers and histogram bins are really there, not just empty axes.
        Assert.True(await page.EvaluateAsync<int>("() => document.querySelectorAll('.wb-figure .bars .point, .wb-figure .scatterlayer .point').length") > 100);
        Assert.Empty(errors);
        Assert.Empty(failed);
        Assert.All(requests, url => Assert.StartsWith("file://", url)); // nothing from the network

        await page.ScreenshotAsync(new() { Path = ScreenshotPath, FullPage = true });
        Assert.True(new FileInfo(ScreenshotPath).Length > 50_000);

        // The index links to the report.
        await page.GotoAsync(new Uri(tour.IndexPath).AbsoluteUri);
        await page.ClickAsync("a[href='00-workbook-tour.html']");
        Assert.Equal("Workbook tour", await page.TitleAsync());
    }
}
