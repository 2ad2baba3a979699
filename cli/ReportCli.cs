using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Workbook.Notebooks;

namespace Workbook.Cli;

/// <summary><c>report</c>: run notebooks and write their self-contained HTML reports; <c>bench report</c>: the runner's own cost.</summary>
public sealed class ReportCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var notebooks = new Argument<string[]>("notebook")
        {
            Description = "The .dib notebooks to run (default: every notebooks/*.dib, in name order).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string?>("--output")
        {
            Description = "Folder for the reports (default: reports/ in the workbook).",
        };
        var report = new Command("report", "Run notebooks and write reports/<notebook>.html plus reports/index.html. Exits non-zero if any cell fails.");
        report.Arguments.Add(notebooks);
        report.Options.Add(output);
        report.SetAction(async (parse, ct) =>
            await ReportCommand.RunAsync(parse.GetValue(notebooks) ?? [], parse.GetValue(output), ct));
        yield return report;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var cells = new Option<int>("--cells") { Description = "Trivial cells in the synthetic notebook.", DefaultValueFactory = _ => 50 };
        var bench = new Command("report", "Runner overhead per cell (synthetic notebook) and warm render time of notebook 00.");
        bench.Options.Add(cells);
        bench.SetAction(async (parse, ct) => await ReportBenchmark.RunAsync(parse.GetValue(cells), ct));
        yield return bench;
    }
}

internal static class ReportCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> requested, string? output, CancellationToken ct)
    {
        var root = WorkbookPaths.Root();
        var paths = requested.Count > 0
            ? requested.Select(Path.GetFullPath).ToList()
            : Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.dib").Order(StringComparer.Ordinal).ToList();
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            foreach (var m in missing) Console.Error.WriteLine($"report: no notebook at {m}");
            return 2;
        }
        var reserved = paths.Where(ReportIndex.IsReservedNotebook).ToList();
        if (reserved.Count > 0)
        {
            foreach (var r in reserved)
                Console.Error.WriteLine($"report: {r} would be rendered to {ReportIndex.FileName}, which is the report index; rename the notebook. Nothing was run.");
            return 2;
        }
        if (paths.Count == 0)
        {
            Console.Error.WriteLine($"report: no notebooks in {Path.Combine(root, "notebooks")}");
            return 2;
        }
        var outDir = Path.GetFullPath(output ?? Path.Combine(root, "reports"));

        // The terminal itself, not Console.Out: cells capture what the console gets while they run.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var interactive = console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        var runs = new List<NotebookRun>();
        async Task RunAll(Action<string, int, int>? onNotebook, Action<CellRun>? onCell)
        {
            for (var i = 0; i < paths.Count; i++)
            {
                var runner = new NotebookRunner();
                if (onCell != null) runner.CellFinished += onCell;
                onNotebook?.Invoke(paths[i], i, paths.Count);
                var run = await runner.RunAsync(paths[i], ct);
                NotebookReport.Write(run, outDir);
                runs.Add(run);
            }
        }

        if (interactive)
        {
            await console.Progress().AutoClear(true).StartAsync(async progress =>
            {
                ProgressTask? task = null;
                var label = "";
                await RunAll(
                    (path, i, n) =>
                    {
                        task?.StopTask();
                        label = $"[grey]{i + 1}/{n}[/] {Markup.Escape(Path.GetFileName(path))}";
                        task = progress.AddTask(label, maxValue: Math.Max(1, CountCells(path)));
                    },
                    cell =>
                    {
                        task!.Increment(1);
                        task.Description = $"{label} [grey]cell {cell.Cell.Number}[/]";
                    });
                task?.StopTask();
            });
        }
        else
        {
            await RunAll(null, null);
        }

        var index = ReportIndex.Write(outDir);
        foreach (var run in runs)
        {
            var file = Path.Combine(outDir, run.Notebook.Name + ".html");
            Console.WriteLine($"{(run.Failed ? "FAILED" : "ok    ")} {Shown(file)}  ({NotebookReport.Duration(run.Duration)})");
            foreach (var e in run.Errors) Console.Error.WriteLine("  " + e.Message);
        }
        Console.WriteLine($"index: {Shown(index)}");
        return runs.Any(r => r.Failed) ? 1 : 0;
    }

    // Relative to the current directory when below it, else absolute.
    private static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static int CountCells(string path)
    {
        try { return DibParser.Load(path).Cells.Count; }
        catch (NotebookFormatException) { return 1; }
    }
}

internal static class ReportBenchmark
{
    public static async Task<int> RunAsync(int cells, CancellationToken ct)
    {
        var load = MachineLoad.Now();
        var r = await RunnerBenchmark.MeasureAsync(Path.Combine(WorkbookPaths.Root(), "lib", "bin", "Workbook.Lib.dll"), cells, repeats: 4, ct);
        Console.WriteLine($"synthetic notebook: {r.Cells} trivial cells, {r.Repeats} warm runs in one process (load {load})");
        Console.WriteLine($"  cold first run          {r.ColdTotal.TotalMilliseconds,8:0} ms");
        Console.WriteLine($"  warm run                {r.WarmTotal.TotalMilliseconds,8:0} ms (cells' own code {r.WarmExecute.TotalMilliseconds:0.0} ms, Roslyn compile+emit {r.WarmCompile.TotalMilliseconds:0} ms)");
        Console.WriteLine($"  overhead per cell       {r.OverheadPerCellMs,8:0.0} ms  (target < 50 ms: {r.OverheadPerCellMs / 50:0.00}x of budget)");
        Console.WriteLine($"  of which runner's own   {r.BookkeepingPerCellMs,8:0.00} ms  (without Roslyn)");
        Console.WriteLine($"  CPU time per cell       {r.CpuPerCellMs,8:0.0} ms  (process CPU in warm runs / cells: the per-cell cost on an idle core)");

        var tour = Path.Combine(WorkbookPaths.Root(), "notebooks", "00-workbook-tour.dib");
        if (File.Exists(tour))
        {
            var outDir = Path.Combine(Path.GetTempPath(), "wb-bench-reports-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var times = new List<double>();
                for (var i = 0; i < 3; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var run = await new NotebookRunner().RunAsync(tour, ct);
                    NotebookReport.Write(run, outDir);
                    times.Add(clock.Elapsed.TotalSeconds);
                    if (run.Failed) { Console.Error.WriteLine(string.Join("\n", run.Errors)); return 1; }
                }
                Console.WriteLine($"notebook 00 render in process: first {times[0]:0.00} s, warm {times[1]:0.00} s / {times[2]:0.00} s (target < 5 s)");
            }
            finally
            {
                if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            }
        }
        return 0;
    }
}
