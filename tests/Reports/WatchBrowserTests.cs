using System.Collections.Concurrent;
using Microsoft.Playwright;
using Workbook.Notebooks;
using Workbook.Tests.Notebooks;

namespace Workbook.Tests.Reports;

/// <summary>
/// report --watch end to end in Debian's Chromium, against the real server: a save on disk reaches the open page, and
/// the cells above the change did not run again. Works on a copy of notebooks/ (the repository is not touched).
/// </summary>
[Collection(NotebookRuns.Name)]
public sealed class WatchBrowserTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "wb-live-" + Guid.NewGuid().ToString("N")[..8]);

    public WatchBrowserTests()
    {
        var repo = WorkbookPaths.Root(AppContext.BaseDirectory);
        Directory.CreateDirectory(Path.Combine(_root, "notebooks"));
        Directory.CreateDirectory(Path.Combine(_root, "reports"));
        foreach (var dib in Directory.EnumerateFiles(Path.Combine(repo, "notebooks"), "*.dib"))
            File.Copy(dib, Path.Combine(_root, "notebooks", Path.GetFileName(dib)));
        // The notebooks name ../lib/bin/Workbook.Lib.dll and ../data/...: the repository's, through links.
        Directory.CreateSymbolicLink(Path.Combine(_root, "lib"), Path.Combine(repo, "lib"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "data"), Path.Combine(repo, "data"));
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Saving_the_last_cell_of_notebook_00_updates_the_open_page_and_the_cells_above_do_not_run_again()
    {
        var notebook = Path.Combine(_root, "notebooks", "00-workbook-tour.dib");
        await using var server = new WatchServer(Path.Combine(_root, "reports"));
        server.Start();
        var runs = new BlockingCollection<NotebookRun>();
        var watch = new ReportWatch([notebook], [], server, TextWriter.Null);
        watch.Published += (run, _) => runs.Add(run);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var loop = watch.RunAsync(stop.Token);
        try
        {
            await EditAndWatch(server, runs, notebook, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
        }
        Assert.Equal(WatchExit.Stopped, await loop);
    }

    private static async Task EditAndWatch(WatchServer server, BlockingCollection<NotebookRun> runs, string notebook, CancellationToken token)
    {
        var first = runs.Take(token);
        Assert.False(first.Failed, string.Join("\n", first.Errors));

        await using var chromium = await BrowserTests.OpenBrowser();
        var page = await chromium.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") problems.Add("console: " + m.Text); };
        page.PageError += (_, e) => problems.Add("page error: " + e);
        page.Request += (_, r) => { if (!r.Url.StartsWith(server.Url.AbsoluteUri, StringComparison.Ordinal)) problems.Add("request elsewhere: " + r.Url); };
        await page.GotoAsync(new Uri(server.Url, "00-workbook-tour.html").AbsoluteUri);
        await WaitForFigures(page);
        Assert.Equal(5, await page.Locator("[data-live='ran'][data-runs='1']").CountAsync());
        var version = await page.EvaluateAsync<string>("() => document.documentElement.dataset.liveVersion");
        var y = await page.EvaluateAsync<int>("() => { window.scrollTo(0, 1200); return Math.round(window.scrollY); }");
        Assert.True(y > 0);

        // Save an edit to the last code cell, as an editor would.
        var text = await File.ReadAllTextAsync(notebook);
        var last = text.LastIndexOf("#!csharp\n\n", StringComparison.Ordinal) + "#!csharp\n\n".Length;
        await File.WriteAllTextAsync(notebook, text.Insert(last, "Console.WriteLine(\"edited while the page was open\");\n"));

        await page.WaitForFunctionAsync("() => document.body.innerText.includes('edited while the page was open')", null, new() { Timeout = 60_000 });
        Assert.NotEqual(version, await page.EvaluateAsync<string>("() => document.documentElement.dataset.liveVersion"));
        // The four cells above were reused (run once, in the first run); only the edited cell ran again.
        Assert.Equal(4, await page.Locator("[data-live='reused'][data-runs='1']").CountAsync());
        Assert.Equal(1, await page.Locator("[data-live='ran'][data-runs='2']").CountAsync());
        Assert.Contains("did not run again", await page.Locator(".wb-live-note").InnerTextAsync());
        var second = runs.Take(token);
        var code = second.Cells.Where(c => c.Live != null).ToList();
        Assert.Equal([true, true, true, true, false], code.Select(c => c.Live!.Reused));
        Assert.Equal(first.Cells.Where(c => c.Live != null).Take(4).Select(c => c.Duration), code.Take(4).Select(c => c.Duration));
        // In place: the scroll position is kept and the charts draw again.
        Assert.InRange(await page.EvaluateAsync<int>("() => Math.round(window.scrollY)"), y - 2, y + 2);
        await WaitForFigures(page);
        Assert.Empty(problems);

        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "workbook-watch-00.png") });
    }

    private static async Task WaitForFigures(IPage page)
    {
        Assert.Equal(3, await page.Locator(".wb-figure").CountAsync());
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.wb-figure')].every(f => f.querySelector('.main-svg'))",
            null, new() { Timeout = 30_000 });
    }
}
