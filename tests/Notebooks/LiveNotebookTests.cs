using Workbook.Notebooks;

namespace Workbook.Tests.Notebooks;

/// <summary>report --watch's incremental runs: only the first changed cell and those after it run again.</summary>
[Collection(NotebookRuns.Name)]
public class LiveNotebookTests
{
    // Cell 1 draws a random stamp: a cell that shows the same stamp after an edit above it saw the kept state, not a re-run.
    private static readonly string[] Cells =
    [
        "var stamp = Guid.NewGuid().ToString(\"N\");\nvar log = new List<string>();",
        "log.Add(\"two\");\nvar two = 2;",
        "Console.Write(stamp + \" \" + (two * 21) + \" \" + log.Count)",
    ];

    private static string Text(CellRun run) => string.Concat(run.Outputs.Select(o => o.Html));

    private static string Stamp(CellRun run) => System.Text.RegularExpressions.Regex.Match(Text(run), "[0-9a-f]{32}").Value;

    private static IReadOnlyList<CellRun> Code(NotebookRun run) => run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).ToList();

    private static void Write(TempNotebook nb, params string[] cells) =>
        File.WriteAllText(nb.Path, string.Concat(cells.Select(c => "#!csharp\n\n" + c + "\n\n")));

    [Fact]
    public async Task An_edit_to_the_last_cell_runs_only_that_cell_on_the_kept_state()
    {
        using var nb = TempNotebook.Of(Cells);
        var live = new LiveNotebook(nb.Path);
        var first = await live.RunAsync();
        Assert.False(first.Failed, string.Join("\n", first.Errors));
        Assert.All(Code(first), c => Assert.Equal(new LiveCell(false, 1, 1, c.Live!.RanUtc), c.Live));
        var stamp = Stamp(Code(first)[2]);

        Write(nb, Cells[0], Cells[1], "Console.Write(stamp + \" edited \" + log.Count)");
        var second = await live.RunAsync();
        var code = Code(second);
        Assert.False(second.Failed, string.Join("\n", second.Errors));
        Assert.Equal(new LiveRunNote(2, 2, 1, null), second.Live);
        Assert.All(code.Take(2), c => Assert.Equal((true, 1, 1), (c.Live!.Reused, c.Live.Runs, c.Live.RunNumber)));
        Assert.Equal((false, 2, 2), (code[2].Live!.Reused, code[2].Live!.Runs, code[2].Live!.RunNumber));
        Assert.Contains(stamp + " edited 1", Text(code[2]));
        // The reused cells' outputs are the first run's, and the page says the state came from an earlier run.
        var html = NotebookReport.Render(second);
        Assert.Contains("data-live=\"reused\" data-runs=\"1\"", html);
        Assert.Contains("come from earlier runs", html);
    }

    [Fact]
    public async Task An_edit_in_the_middle_runs_that_cell_and_every_cell_after_it()
    {
        using var nb = TempNotebook.Of(Cells);
        var live = new LiveNotebook(nb.Path);
        var stamp = Stamp(Code(await live.RunAsync())[2]);

        Write(nb, Cells[0], "log.Add(\"again\");\nvar two = 3;", Cells[2]);
        var code = Code(await live.RunAsync());
        Assert.Equal([true, false, false], code.Select(c => c.Live!.Reused));
        // Cell 1's state is the kept one (same stamp). Its objects are the same objects too: the list still holds what
        // the first run of cell 2 added (as in any notebook kernel; the page says so).
        Assert.Contains($"{stamp} 63 2", Text(code[2]));

        // Nothing changed: nothing runs.
        var again = await live.RunAsync();
        Assert.Equal(new LiveRunNote(3, 3, 0, null), again.Live);
    }

    [Fact]
    public async Task A_failed_cell_runs_again_even_when_only_a_later_cell_changed_and_a_restart_runs_everything()
    {
        using var nb = TempNotebook.Of(Cells[0], "throw new InvalidOperationException(\"boom\");", Cells[2]);
        var live = new LiveNotebook(nb.Path);
        var failed = await live.RunAsync();
        Assert.True(failed.Failed);
        Assert.Equal(CellStatus.Skipped, Code(failed)[2].Status);

        Write(nb, Cells[0], "throw new InvalidOperationException(\"boom\");", "Console.Write(1)");
        var code = Code(await live.RunAsync());
        Assert.Equal([true, false], code.Take(2).Select(c => c.Live!.Reused));
        Assert.Contains("boom", Text(code[1]));

        Write(nb, Cells);
        var fixedRun = await live.RunAsync();
        Assert.False(fixedRun.Failed, string.Join("\n", fixedRun.Errors));
        Assert.Equal(new LiveRunNote(3, 1, 2, null), fixedRun.Live);

        live.Restart("the library was rebuilt");
        var restarted = await live.RunAsync();
        Assert.Equal(new LiveRunNote(4, 0, 3, "the library was rebuilt"), restarted.Live);
        Assert.All(Code(restarted), c => Assert.Equal(1, c.Live!.Runs));
        Assert.Contains("Restarted from the first cell: the library was rebuilt", NotebookReport.Render(restarted));
    }

    [Fact]
    public async Task A_markdown_edit_or_a_broken_file_runs_no_code_and_keeps_the_state()
    {
        using var nb = TempNotebook.Of(Cells);
        var live = new LiveNotebook(nb.Path);
        await live.RunAsync();

        File.WriteAllText(nb.Path, "#!markdown\n\n# A new title\n\n" + File.ReadAllText(nb.Path));
        var markdown = await live.RunAsync();
        Assert.Equal(new LiveRunNote(2, 3, 0, null), markdown.Live);
        Assert.Equal(4, Code(markdown)[2].Cell.Number); // the kept result follows its cell to its new place

        var before = File.ReadAllText(nb.Path);
        File.WriteAllText(nb.Path, "#!fsharp\n\nlet x = 1\n");
        var broken = await live.RunAsync();
        Assert.True(broken.Failed);
        File.WriteAllText(nb.Path, before);
        Assert.Equal(3, (await live.RunAsync()).Live!.Reused);
    }

    [Fact]
    public async Task A_rebuilt_library_ends_the_watch_so_the_process_can_start_again()
    {
        using var nb = TempNotebook.Of("Console.Write(1)");
        var library = Path.Combine(nb.Directory, "Workbook.Lib.dll");
        File.WriteAllText(library, "first build");
        await using var server = new WatchServer(nb.Directory);
        var watch = new ReportWatch([nb.Path], [library], server, TextWriter.Null);
        var published = new TaskCompletionSource();
        watch.Published += (_, _) => published.TrySetResult();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var running = watch.RunAsync(timeout.Token);
        await published.Task.WaitAsync(timeout.Token);
        File.WriteAllText(library, "second build, longer");
        Assert.Equal(WatchExit.LibraryRebuilt, await running);
    }

    [Fact]
    public async Task A_notebook_created_in_the_watched_folder_joins_the_watch_and_index_dib_is_skipped()
    {
        using var nb = TempNotebook.Of("Console.Write(1)");
        await using var server = new WatchServer(nb.Directory);
        var log = new StringWriter();
        var watch = new ReportWatch([nb.Path], [], server, TextWriter.Synchronized(log), discoverIn: nb.Directory);
        var names = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var second = new TaskCompletionSource<NotebookRun>();
        watch.Published += (run, _) =>
        {
            names.Enqueue(run.Notebook.Name);
            if (run.Notebook.Name == "zz-later") second.TrySetResult(run);
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var running = watch.RunAsync(stop.Token);
        while (names.IsEmpty) await Task.Delay(50, timeout.Token);
        File.WriteAllText(Path.Combine(nb.Directory, "index.dib"), "#!csharp\n\nConsole.Write(3)\n");
        File.WriteAllText(Path.Combine(nb.Directory, "zz-later.dib"), "#!csharp\n\nConsole.Write(40 + 2)\n");
        var run = await second.Task.WaitAsync(timeout.Token);
        Assert.Contains("42", string.Concat(run.Cells.SelectMany(c => c.Outputs).Select(o => o.Html)));
        stop.Cancel();
        Assert.Equal(WatchExit.Stopped, await running);
        Assert.DoesNotContain("index", names);
        Assert.Contains("index.dib: not watched", log.ToString());
        Assert.Contains("new notebook zz-later.dib", log.ToString());
    }
}
