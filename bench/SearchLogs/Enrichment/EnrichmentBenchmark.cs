using System.Diagnostics;
using System.Globalization;

namespace Workbook.SearchLogs.Enrichment;

/// <summary>
/// Latency of <see cref="EnrichmentIndex.Enrich"/> with the index in memory and the index's build time, on the real
/// clean logs and on a generated log, side by side with the same enrichment using a linear-scan spelling lookup.
/// The workload replays the log's own queries (so popular queries come often, as in traffic) plus 10% fresh typos.
/// </summary>
public static class EnrichmentBenchmark
{
    public static IEnumerable<string> Run(CleanLog? real, int generatedSearches, int queries, int seed = 11)
    {
        yield return $"bench enrich: {Environment.ProcessorCount} cores, load {MachineLoad.Now()}, {(Debugger.IsAttached ? "debugger attached, " : "")}{(IsRelease() ? "Release" : "Debug build: use -c Release")}";
        if (real is not null)
            foreach (var line in Measure("real logs", real, queries, seed)) yield return line;
        if (generatedSearches <= 0) yield break;
        var clock = Stopwatch.StartNew();
        var generated = SyntheticSearchLog.Generate(generatedSearches);
        yield return $"generated {generatedSearches:N0} searches / {generated.Clicks.Count:N0} clicks in {clock.Elapsed.TotalSeconds:0.0} s";
        foreach (var line in Measure($"generated {generatedSearches:N0}", generated, queries, seed)) yield return line;
        yield return $"load after: {MachineLoad.Now()}";
    }

    private static IEnumerable<string> Measure(string name, CleanLog log, int queries, int seed)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var cpuClock = CpuStopwatch.StartNew();
        var index = EnrichmentIndex.Build(log);
        var cpu = cpuClock.Elapsed;
        var after = GC.GetTotalMemory(true);
        var st = index.Stats;
        yield return $"[{name}] build {st.BuildTime.TotalSeconds:0.000} s wall, {cpu.TotalSeconds:0.000} s CPU (target < 10 s for 1M searches), index ~{(after - before) / 1e6:0} MB: " +
                     $"{st.Searches:N0} searches, {st.Queries:N0} queries, {st.Clips:N0} clips, {st.Edges:N0} edges, {st.Vocabulary:N0} words";

        var workload = Workload(log, queries, seed);
        foreach (var q in workload.Take(2000)) index.Enrich(q); // warm-up: JIT and caches
        var fast = Time(workload, q => index.Enrich(q));
        yield return $"[{name}] enrich (symmetric delete): {Summary(fast)} over {workload.Count:N0} queries (target p99 < 1 ms)";
        // On a shared, loaded machine a single timing includes time the thread was descheduled; the best of three
        // runs of the same query keeps its own cost and drops most of that noise.
        var best = Time(workload, q => index.Enrich(q), repeats: 3);
        yield return $"[{name}] enrich (symmetric delete), best of 3 per query: {Summary(best)}";
        if (ThreadCpu.Available)
        {
            var threadCpu = ThreadCpu.Time(workload, q => index.Enrich(q));
            yield return $"[{name}] enrich (symmetric delete), CPU time of the thread per query: {Summary(threadCpu)}";
        }

        var scan = new LinearScanSpelling(index.Spelling);
        var subset = workload.Take(Math.Min(workload.Count, 2000)).ToList();
        var fastSubset = Time(subset, q => index.Enrich(q), repeats: 3);
        var slow = Time(subset, q => index.Enrich(q, scan.Lookup), repeats: 3);
        var disagree = subset.Count(q => index.Enrich(q).CorrectedQuery != index.Enrich(q, scan.Lookup).CorrectedQuery);
        yield return $"[{name}] enrich with linear-scan spelling, best of 3: {Summary(slow)} over {subset.Count:N0} queries vs {Summary(fastSubset)}; " +
                     $"ratio p50 {Percentile(slow, 0.5) / Percentile(fastSubset, 0.5):0.0}x, p99 {Percentile(slow, 0.99) / Percentile(fastSubset, 0.99):0.0}x, " +
                     $"mean {slow.Average() / fastSubset.Average():0.0}x; corrections disagree on {disagree} of {subset.Count}";

        // The spelling lookup alone, on the words of the workload that are not in the vocabulary.
        var unknown = workload.SelectMany(q => QueryTokenIndex.Tokens(QueryNormalizer.Normalize(q).Text))
            .Where(w => w.Length >= 3 && index.Spelling.Frequency(w) == 0).Distinct().Take(300).ToList();
        if (unknown.Count == 0) yield break;
        var symmetric = Time(unknown, w => index.Spelling.Lookup(w), repeats: 3);
        var linear = Time(unknown, w => scan.Lookup(w), repeats: 3);
        yield return $"[{name}] spelling lookup of {unknown.Count:N0} unknown words, best of 3: symmetric delete {Summary(symmetric)}; " +
                     $"linear scan {Summary(linear)}; ratio p50 {Percentile(linear, 0.5) / Percentile(symmetric, 0.5):0}x, p99 {Percentile(linear, 0.99) / Percentile(symmetric, 0.99):0}x";
    }

    private static List<string> Workload(CleanLog log, int queries, int seed)
    {
        var random = new Random(seed);
        var list = new List<string>(queries);
        for (var i = 0; i < queries; i++)
        {
            var q = log.Searches[random.Next(log.Searches.Count)].Query;
            if (random.NextDouble() < 0.1 && q.Length > 4)
            {
                var at = random.Next(q.Length - 1);
                q = q.Remove(at, 1).Insert(at, ((char)('a' + random.Next(26))).ToString());
            }
            list.Add(q);
        }
        return list;
    }

    private static double[] Time(IReadOnlyList<string> workload, Action<string> action, int repeats = 1)
    {
        var ms = new double[workload.Count];
        for (var i = 0; i < workload.Count; i++)
        {
            ms[i] = double.MaxValue;
            for (var r = 0; r < repeats; r++)
            {
                var t0 = Stopwatch.GetTimestamp();
                action(workload[i]);
                ms[i] = Math.Min(ms[i], Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }
        return ms;
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static string Summary(double[] ms) =>
        $"p50 {Percentile(ms, 0.5) * 1000:0.0} us, p99 {Percentile(ms, 0.99) * 1000:0.0} us, max {ms.Max() * 1000:0} us";

    private static bool IsRelease() =>
        typeof(EnrichmentBenchmark).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

    /// <summary>
    /// Per-query CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID): what a query costs, without the time
    /// the thread waited for a core on a loaded machine. Resolution is the kernel's (about a microsecond or better).
    /// </summary>
    private static class ThreadCpu
    {
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec { public long Seconds; public long Nanoseconds; }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        private const int ThreadCpuTimeClock = 3;

        public static bool Available
        {
            get
            {
                if (!OperatingSystem.IsLinux()) return false;
                try { return ClockGetTime(ThreadCpuTimeClock, out _) == 0; }
                catch (DllNotFoundException) { return false; }
                catch (EntryPointNotFoundException) { return false; }
            }
        }

        private static double NowMs()
        {
            ClockGetTime(ThreadCpuTimeClock, out var t);
            return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        }

        public static double[] Time(IReadOnlyList<string> workload, Action<string> action)
        {
            var ms = new double[workload.Count];
            for (var i = 0; i < workload.Count; i++)
            {
                var t0 = NowMs();
                action(workload[i]);
                ms[i] = NowMs() - t0;
            }
            return ms;
        }
    }
}
