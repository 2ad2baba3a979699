using System.Diagnostics;
using System.Text;

namespace Workbook.Notebooks;

/// <summary>
/// What the runner itself costs. A synthetic notebook of trivial cells is run several times in one process; the
/// runner's overhead per cell is (wall time - time inside the cells' own code) / cells, with and without Roslyn's
/// compile/emit (which dominates and is not the runner's own code).
/// </summary>
public static class RunnerBenchmark
{
    public sealed record Result(int Cells, int Repeats, TimeSpan ColdTotal, TimeSpan WarmTotal, TimeSpan WarmExecute, TimeSpan WarmCompile, TimeSpan WarmCpu)
    {
        /// <summary>Process CPU time per cell in a warm run: what the overhead would be on an idle machine.</summary>
        public double CpuPerCellMs => WarmCpu.TotalMilliseconds / Cells;

        /// <summary>(wall - cell code) / cells, compile and emit included.</summary>
        public double OverheadPerCellMs => (WarmTotal - WarmExecute).TotalMilliseconds / Cells;

        /// <summary>(wall - cell code - Roslyn compile/emit) / cells: the runner's own bookkeeping.</summary>
        public double BookkeepingPerCellMs => (WarmTotal - WarmExecute - WarmCompile).TotalMilliseconds / Cells;
    }

    /// <summary>A notebook of one library reference cell and <paramref name="cells"/> trivial C# cells.</summary>
    public static string SyntheticNotebook(int cells, string libraryPath)
    {
        var sb = new StringBuilder("#!markdown\n\n# Synthetic\n\n");
        sb.Append($"#!csharp\n\n#r \"{libraryPath}\"\nusing Workbook.Reports;\n\n");
        for (var i = 0; i < cells; i++)
            sb.Append($"#!csharp\n\nvar x{i} = {i} + 1;\nConsole.Write(x{i});\n{(i % 10 == 9 ? $"x{i}" : "")}\n\n");
        return sb.ToString();
    }

    /// <summary>Runs the synthetic notebook <paramref name="repeats"/> times; the first run is cold, the others warm.</summary>
    public static async Task<Result> MeasureAsync(string libraryDll, int cells = 50, int repeats = 4, CancellationToken ct = default)
    {
        var dir = Path.Combine(Path.GetTempPath(), "wb-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "bench.dib");
            File.WriteAllText(path, SyntheticNotebook(cells, libraryDll));
            TimeSpan cold = default, total = default, execute = default, compile = default, cpu = default;
            for (var r = 0; r < repeats; r++)
            {
                var cpuClock = CpuStopwatch.StartNew();
                var clock = Stopwatch.StartNew();
                var run = await new NotebookRunner().RunAsync(path, ct);
                NotebookReport.Render(run);
                clock.Stop();
                var cpuUsed = cpuClock.Elapsed;
                if (run.Failed) throw new InvalidOperationException("benchmark notebook failed: " + string.Join("; ", run.Errors));
                var code = run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).Skip(1).ToList(); // the #r cell is not trivial
                var setup = run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).Take(1).Sum(c => c.Duration.Ticks);
                if (r == 0) { cold = clock.Elapsed; continue; }
                total += clock.Elapsed - TimeSpan.FromTicks(setup);
                cpu += cpuUsed * ((double)code.Count / (code.Count + 1)); // the #r cell's share left out, approximately
                execute += TimeSpan.FromTicks(code.Sum(c => c.Execute.Ticks));
                compile += TimeSpan.FromTicks(code.Sum(c => c.Compile.Ticks));
            }
            var warm = repeats - 1;
            return new Result(cells, warm, cold, total / warm, execute / warm, compile / warm, cpu / warm);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
