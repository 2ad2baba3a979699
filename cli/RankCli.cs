using System.CommandLine;
using System.Diagnostics;
using Workbook.Products.Ranking;

namespace Workbook.Cli;

/// <summary>`rank`: score and rank a product_scoring file; `bench rank`: the same on 10 million generated products.</summary>
public sealed class RankCli : ICliModule
{
    public IEnumerable<Command> Commands()
    {
        var input = new Option<string>("--input") { Description = "product_scoring.csv (product_id,category_id,cpc,clicks,views)", Required = true };
        var output = new Option<string>("--output") { Description = "scores CSV to write (rejects go to <output>.rejects.csv, provenance to <output>.provenance.json)", Required = true };
        var score = new Option<ScoreKind>("--score") { Description = "mean (expected revenue per impression, default) | lower (conservative) | upper (UCB) | thompson (exploration)", DefaultValueFactory = _ => ScoreKind.Mean };
        var seed = new Option<int>("--seed") { Description = "seed of Thompson draws and of the fit sample", DefaultValueFactory = _ => 42 };
        var prior = new Option<PriorFamily>("--prior") { Description = "zeroinflatedbeta (duds at CTR 0 plus one Beta; default, best offline) | hotmixture (duds, an ordinary and a hot Beta) | beta (one Beta per impressions band)", DefaultValueFactory = _ => PriorFamily.ZeroInflatedBeta };
        var pooling = new Option<bool>("--category-pooling") { Description = "scale each category's CTR by a Gamma-pooled multiplier (off by default: it lowered the offline metrics)" };
        var rank = new Command("rank", "Score every product by CTR x CPC with an empirical-Bayes CTR (a zero-inflated prior fitted by maximum likelihood per impressions band) and rank them; rows are written best first.");
        rank.Options.Add(input);
        rank.Options.Add(output);
        rank.Options.Add(score);
        rank.Options.Add(seed);
        rank.Options.Add(prior);
        rank.Options.Add(pooling);
        rank.SetAction(parse =>
        {
            var options = new RankerOptions
            {
                Score = parse.GetValue(score), Seed = parse.GetValue(seed), Prior = parse.GetValue(prior), CategoryPooling = parse.GetValue(pooling),
            };
            var s = StreamingRanker.Run(parse.GetValue(input)!, parse.GetValue(output)!, options);
            Console.WriteLine($"ranked {s.Scored:N0} products ({s.Rejected:N0} rejected" +
                              (s.Duplicates > 0 ? $", of which {s.Duplicates:N0} repeated a product_id: first copy kept" : "") + $") -> {s.Output}");
            Console.WriteLine($"rejects: {s.RejectsFile}");
            Console.WriteLine($"provenance: {s.ProvenanceFile}");
            return 0;
        });
        yield return rank;
    }

    public IEnumerable<Command> Benchmarks()
    {
        var rows = new Option<long>("--rows") { Description = "generated products", DefaultValueFactory = _ => 10_000_000 };
        var bench = new Command("rank", "Rank generated products of the real file's shape; compare with a plain read/write pass of the same file.");
        bench.Options.Add(rows);
        bench.SetAction(parse => RunBench(parse.GetValue(rows)));
        yield return bench;
    }

    private static int RunBench(long rows)
    {
        var template = ProductScoringLoader.LoadDefault().Products;
        var dir = Directory.CreateTempSubdirectory("rank-bench-").FullName;
        try
        {
            Console.WriteLine($"load: {File.ReadAllText("/proc/loadavg").Trim()}  cores: {Environment.ProcessorCount}");
            var small = Math.Max(rows / 10, 1000);
            foreach (var n in new[] { small, rows })
            {
                var input = Path.Combine(dir, $"products-{n}.csv");
                ScoringFileGenerator.Write(input, template, n, seed: 7);
                var mb = new FileInfo(input).Length / 1e6;
                GC.Collect();
                var floorCpu = CpuNow();
                var floor = Stopwatch.StartNew();
                CopyLines(input, Path.Combine(dir, "copy.csv"));
                floor.Stop();
                floorCpu = CpuNow() - floorCpu;
                GC.Collect();
                var before = CurrentWorkingSet();
                var cpu = CpuNow();
                var sw = Stopwatch.StartNew();
                RankRunSummary s;
                long peak;
                using (var sampler = new PeakSampler()) // the process peak is never reset, so sample this run's own
                {
                    s = StreamingRanker.Run(input, Path.Combine(dir, "scores.csv"), new RankerOptions());
                    peak = sampler.Peak;
                }
                sw.Stop();
                cpu = CpuNow() - cpu;
                Console.WriteLine($"{n,12:N0} rows ({mb:N0} MB): rank {sw.Elapsed.TotalSeconds:F2} s " +
                    $"(fit pass {s.FitPass.TotalSeconds:F2}, score pass {s.ScorePass.TotalSeconds:F2}, write pass {s.WritePass.TotalSeconds:F2}); " +
                    $"plain read+write pass {floor.Elapsed.TotalSeconds:F2} s; ratio {sw.Elapsed / floor.Elapsed:F2}x; " +
                    $"{n / sw.Elapsed.TotalSeconds / 1e6:F2} M rows/s");
                // CPU time is what the machine's load does not inflate (this machine is shared): compare it too.
                Console.WriteLine($"{"",12} CPU time: rank {cpu.TotalSeconds:F2} s, plain pass {floorCpu.TotalSeconds:F2} s, ratio {cpu / floorCpu:F2}x");
                Console.WriteLine($"{"",12} memory: working set before {before / 1e6:N0} MB, peak during the run {peak / 1e6:N0} MB " +
                    $"({(peak - before) / 1e6:N0} MB above; for comparison one 16-byte entry per row would be {n * 16 / 1e6:N0} MB); " +
                    $"categories {s.Model.Categories.Count}, sorted runs merged {s.SortRuns}");
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

    private static TimeSpan CpuNow()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
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
