using System.Diagnostics;

namespace Workbook.Products.Ranking;

/// <summary>
/// `bench rank`: ranks generated products of the real file's shape (10 million by default) and compares the run with
/// a plain read/write pass of the same file, in wall time, CPU time and memory.
/// </summary>
public static class RankBenchmark
{
    /// <summary>Generates files of <paramref name="rows"/> / 10 and <paramref name="rows"/> products shaped like <paramref name="templatePath"/> and ranks each.</summary>
    public static int Run(string templatePath, long rows, TextWriter log)
    {
        var template = ProductScoringLoader.Load(templatePath).Products;
        var dir = Directory.CreateTempSubdirectory("rank-bench-").FullName;
        try
        {
            log.WriteLine($"load: {MachineLoad.Now()}  cores: {Environment.ProcessorCount}");
            var small = Math.Max(rows / 10, 1000);
            foreach (var n in new[] { small, rows })
            {
                var input = Path.Combine(dir, $"products-{n}.csv");
                ScoringFileGenerator.Write(input, template, n, seed: 7);
                var mb = new FileInfo(input).Length / 1e6;
                GC.Collect();
                var floorCpuClock = CpuStopwatch.StartNew();
                var floor = Stopwatch.StartNew();
                CopyLines(input, Path.Combine(dir, "copy.csv"));
                floor.Stop();
                var floorCpu = floorCpuClock.Elapsed;
                GC.Collect();
                var before = CurrentWorkingSet();
                var cpuClock = CpuStopwatch.StartNew();
                var sw = Stopwatch.StartNew();
                RankRunSummary s;
                long peak;
                using (var sampler = new PeakSampler()) // the process peak is never reset, so sample this run's own
                {
                    s = StreamingRanker.Run(input, Path.Combine(dir, "scores.csv"), new RankerOptions());
                    peak = sampler.Peak;
                }
                sw.Stop();
                var cpu = cpuClock.Elapsed;
                log.WriteLine($"{n,12:N0} rows ({mb:N0} MB): rank {sw.Elapsed.TotalSeconds:F2} s " +
                    $"(fit pass {s.FitPass.TotalSeconds:F2}, score pass {s.ScorePass.TotalSeconds:F2}, write pass {s.WritePass.TotalSeconds:F2}); " +
                    $"plain read+write pass {floor.Elapsed.TotalSeconds:F2} s; ratio {sw.Elapsed / floor.Elapsed:F2}x; " +
                    $"{n / sw.Elapsed.TotalSeconds / 1e6:F2} M rows/s");
                // CPU time is what the machine's load does not inflate (this machine is shared): compare it too.
                log.WriteLine($"{"",12} CPU time: rank {cpu.TotalSeconds:F2} s (fit pass {s.FitCpu.TotalSeconds:F2}, score pass {s.ScoreCpu.TotalSeconds:F2}, " +
                    $"write pass {s.WriteCpu.TotalSeconds:F2}), plain pass {floorCpu.TotalSeconds:F2} s, ratio {cpu / floorCpu:F2}x");
                log.WriteLine($"{"",12} memory: working set before {before / 1e6:N0} MB, peak during the run {peak / 1e6:N0} MB " +
                    $"({(peak - before) / 1e6:N0} MB above; for comparison one 16-byte entry per row would be {n * 16 / 1e6:N0} MB); " +
                    $"categories {s.Model.Categories.Count}, distinct counts scored {s.DistinctCounts:N0}, sorted runs merged {s.SortRuns}");
                File.Delete(input);
            }
            return 0;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    // Samples the working set every 20 ms on a background thread and keeps the largest.
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private long _peak;

        public PeakSampler()
        {
            _thread = new Thread(() =>
            {
                using var p = Process.GetCurrentProcess();
                while (!_stop.IsCancellationRequested)
                {
                    p.Refresh();
                    _peak = Math.Max(Interlocked.Read(ref _peak), p.WorkingSet64);
                    _stop.Token.WaitHandle.WaitOne(20);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Peak => Interlocked.Read(ref _peak);

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
        }
    }

    private static long CurrentWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    private static void CopyLines(string input, string output)
    {
        using var r = new StreamReader(input, System.Text.Encoding.UTF8, true, 1 << 16);
        using var w = new StreamWriter(output, false, new System.Text.UTF8Encoding(false), 1 << 20);
        while (r.ReadLine() is { } line) w.WriteLine(line);
    }
}
