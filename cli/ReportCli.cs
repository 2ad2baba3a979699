using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Workbook.Make;
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
        var noCache = new Option<bool>("--no-cache")
        {
            Description = "Run every notebook even if its code, the library and its inputs are unchanged since its last successful run.",
        };
        var watch = new Option<bool>("--watch")
        {
            Description = "Serve the reports on 127.0.0.1 (a free port, printed) and keep them live: on each save of a notebook, run it again " +
                          "from its first changed cell and update the open page; a rebuilt library restarts the notebooks. Ctrl-C stops.",
        };
        var port = new Option<int?>("--port") { Description = "With --watch: the port to serve on (default: a free one)." };
        var report = new Command("report", "Make the derived data the notebooks read (stale targets only), run the notebooks (reusing unchanged outputs) " +
                                           "and write reports/<notebook>.html plus reports/index.html. Exits non-zero if any cell fails.");
        report.Arguments.Add(notebooks);
        report.Options.Add(output);
        report.Options.Add(noCache);
        report.Options.Add(watch);
        report.Options.Add(port);
        report.SetAction(async (parse, ct) => parse.GetValue(watch)
            ? await WatchCommand.RunAsync(parse.GetValue(notebooks) ?? [], parse.GetValue(output), parse.GetValue(port), ct)
            : await ReportCommand.RunAsync(parse.GetValue(notebooks) ?? [], parse.GetValue(output), ct, useCache: !parse.GetValue(noCache)));
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
    /// <summary>Notebooks run at once: at most two (a notebook mostly keeps one core busy, and each holds its script state in memory).</summary>
    private static readonly int RenderSlots = Math.Clamp(Environment.ProcessorCount, 1, 2);

    public static async Task<int> RunAsync(IReadOnlyList<string> requested, string? output, CancellationToken ct, bool useCache = true)
    {
        var root = WorkbookPaths.Root();
        if (Notebooks(root, requested) is not { } paths) return 2;
        var outDir = Path.GetFullPath(output ?? Path.Combine(root, "reports"));

        // First the derived data the notebooks name (stale targets only), so a cell never computes what make builds.
        var reads = paths.ToDictionary(p => p, p => NotebookDependencies.DerivedPaths(CodeOf(p)));
        var madeOk = await MakeAsync(root, reads.Values.SelectMany(r => r).Distinct(), ct);

        // What make built for each notebook, for its page's metadata (the manifest as it is after making).
        IReadOnlyList<DerivedData> DerivedData(IReadOnlyList<string> derivedPaths)
        {
            try
            {
                var engine = new MakeEngine(root, WorkbookTargets.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
                var targets = NotebookDependencies.TargetsFor(engine, derivedPaths).Targets;
                return targets.Select(t => (Target: t, Entry: engine.Manifest[t])).Where(x => x.Entry != null)
                    .Select(x => new DerivedData(x.Target, x.Entry!.BuiltUtc, x.Entry.Commit, x.Entry.Dirty, x.Entry.Outputs.Keys.ToList())).ToList();
            }
            catch (Exception e) when (e is MakeException or InvalidDataException)
            {
                return [];
            }
        }

        var cache = new ReportCache(outDir);
        // The files below the derived paths a notebook names: a changed artifact means the notebook runs again.
        IReadOnlyList<string> FilesRead(string notebook) => reads[notebook].Select(p => Path.Combine(root, p))
            .SelectMany(p => File.Exists(p) ? [p] : Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [])
            .ToList();

        // The terminal itself, not Console.Out: cells capture what the console gets while they run.
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var interactive = console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
        async Task<NotebookRun> RunOne(string path, Action<CellRun>? onCell)
        {
            var runner = new NotebookRunner();
            if (onCell != null) runner.CellFinished += onCell;
            return await runner.RunAsync(path, ct);
        }

        // Notebooks run side by side (RenderSlots at a time): a cell compiles and runs on one core, so one notebook
        // at a time leaves the other core idle. Each notebook's page and cache entry are its own files.
        var results = new NotebookRun[paths.Count];
        async Task RunAll(Func<string, int, int, (Action<CellRun> OnCell, Action Done)>? onNotebook)
        {
            using var slots = new SemaphoreSlim(RenderSlots);
            await Task.WhenAll(paths.Select(async (path, i) =>
            {
                await slots.WaitAsync(ct);
                try
                {
                    var progress = onNotebook?.Invoke(path, i, paths.Count);
                    var reused = useCache ? cache.TryReuse(path, FilesRead(path)) : null;
                    if (reused != null && progress is { } p)
                        foreach (var cell in reused.Cells) p.OnCell(cell);
                    var run = reused ?? await RunOne(path, progress?.OnCell);
                    if (reused == null) cache.Save(path, run, FilesRead(path));
                    run = run with { Derived = DerivedData(reads[path]) };
                    NotebookReport.Write(run, outDir);
                    results[i] = run;
                    progress?.Done();
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        if (interactive)
        {
            await console.Progress().AutoClear(true).StartAsync(async progress =>
            {
                await RunAll((path, i, n) =>
                {
                    var label = $"[grey]{i + 1}/{n}[/] {Markup.Escape(Path.GetFileName(path))}";
                    var task = progress.AddTask(label, maxValue: Math.Max(1, CountCells(path)));
                    return (cell =>
                    {
                        task.Increment(1);
                        task.Description = $"{label} [grey]cell {cell.Cell.Number}[/]";
                    }, task.StopTask);
                });
            });
        }
        else
        {
            await RunAll(null);
        }
        var runs = results.ToList();

        var index = ReportIndex.Write(outDir);
        foreach (var run in runs)
        {
            var file = Path.Combine(outDir, run.Notebook.Name + ".html");
            var how = run.Cache is null ? NotebookReport.Duration(run.Duration) : "code outputs from the cache";
            Console.WriteLine($"{(run.Failed ? "FAILED" : "ok    ")} {Shown(file)}  ({how})");
            foreach (var e in run.Errors) Console.Error.WriteLine("  " + e.Message);
        }
        Console.WriteLine($"index: {Shown(index)}");
        return runs.Any(r => r.Failed) || !madeOk ? 1 : 0;
    }

    /// <summary>The notebooks <c>report</c> runs: those named, or every notebooks/*.dib; null (after saying why on stderr) when one is missing or reserved.</summary>
    internal static List<string>? Notebooks(string root, IReadOnlyList<string> requested)
    {
        var paths = requested.Count > 0
            ? requested.Select(Path.GetFullPath).ToList()
            : Directory.EnumerateFiles(Path.Combine(root, "notebooks"), "*.dib").Order(StringComparer.Ordinal).ToList();
        var missing = paths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            foreach (var m in missing) Console.Error.WriteLine($"report: no notebook at {m}");
            return null;
        }
        var reserved = paths.Where(ReportIndex.IsReservedNotebook).ToList();
        if (reserved.Count > 0)
        {
            foreach (var r in reserved)
                Console.Error.WriteLine($"report: {r} would be rendered to {ReportIndex.FileName}, which is the report index; rename the notebook. Nothing was run.");
            return null;
        }
        if (paths.Count == 0)
        {
            Console.Error.WriteLine($"report: no notebooks in {Path.Combine(root, "notebooks")}");
            return null;
        }
        return paths;
    }

    /// <summary>Makes the targets that write <paramref name="derivedPaths"/> (stale ones only); false, after saying so, when some could not be built.</summary>
    internal static async Task<bool> MakeAsync(string root, IEnumerable<string> derivedPaths, CancellationToken ct)
    {
        var madeOk = true;
        try
        {
            var engine = new MakeEngine(root, WorkbookTargets.All, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var (targets, unknown) = NotebookDependencies.TargetsFor(engine, derivedPaths);
            foreach (var path in unknown) Console.Error.WriteLine($"report: a notebook reads {path}, which no make target writes");
            if (targets.Count > 0) madeOk = await MakeCommand.BuildAsync(root, targets, force: false, jobs: 2, ct, quietWhenUpToDate: true);
        }
        catch (Exception e) when (e is MakeException or InvalidDataException)
        {
            Console.Error.WriteLine($"report: make: {e.Message}");
            madeOk = false;
        }
        if (!madeOk) Console.Error.WriteLine("report: some derived data could not be built; the notebooks that read it will fail");
        return madeOk;
    }

    /// <summary>The notebook's C# cells, where derived paths are named; empty when it cannot be parsed (the run reports why).</summary>
    internal static string CodeOf(string path)
    {
        try { return string.Join('\n', DibParser.Load(path).Cells.Where(c => c.Kind == CellKind.CSharp).Select(c => c.Source)); }
        catch (NotebookFormatException) { return ""; }
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
