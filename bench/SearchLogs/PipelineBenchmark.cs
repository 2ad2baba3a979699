using System.Diagnostics;
using CsvHelper;
using Microsoft.Data.Sqlite;

namespace Workbook.SearchLogs;

/// <summary>One size of <c>bench pipeline</c>: the pipeline against the floor, a plain bulk load of the same CSVs.</summary>
public sealed record PipelineBenchResult(
    long Requests, long RequestRows, long ClickRows, double GenerateSeconds, double BulkLoadSeconds, double PipelineSeconds,
    long BulkLoadPeakBytes, long PipelinePeakBytes, bool Succeeded, string Load, double BulkLoadCpuSeconds = 0, double PipelineCpuSeconds = 0)
{
    /// <summary>CPU time ratio: far less sensitive than wall time to other processes on a shared machine.</summary>
    public double CpuRatioToBulkLoad => PipelineCpuSeconds / BulkLoadCpuSeconds;
    public long RawRows => RequestRows + ClickRows;
    public double PipelineRowsPerSecond => RawRows / PipelineSeconds;
    public double BulkRowsPerSecond => RawRows / BulkLoadSeconds;
    public double RatioToBulkLoad => PipelineSeconds / BulkLoadSeconds;
}

/// <summary>
/// Generates messy logs (<see cref="MessyLogGenerator"/>), bulk-loads them into SQLite the plainest fast way
/// (CsvHelper, every field as text, one prepared multi-row INSERT per table in one transaction, no index, no
/// fsync), then runs the full pipeline into another SQLite file, measuring time and the peak resident memory of
/// each phase.
/// </summary>
public static class PipelineBenchmark
{
    /// <param name="sequential">Run the tasks one at a time so each task's CPU time is its own (profiling).</param>
    public static PipelineBenchResult Run(long requests, string workFolder, Action<string>? progress = null, bool sequential = false)
    {
        var folder = Path.Combine(workFolder, $"logs_{requests}");
        var sw = Stopwatch.StartNew();
        var logs = File.Exists(Path.Combine(folder, "done"))
            ? ReadExisting(folder, requests)
            : Generate(folder, requests);
        var generate = sw.Elapsed.TotalSeconds;
        progress?.Invoke($"{requests:N0} requests: generated {logs.RequestRows + logs.ClickRows:N0} raw rows in {generate:0.0} s");

        var bulkDb = Path.Combine(workFolder, "bulk.db");
        DeleteDb(bulkDb);
        PeakMemory.Reset();
        var cpu = CpuStopwatch.StartNew();
        sw.Restart();
        BulkLoad(folder, bulkDb);
        var bulk = sw.Elapsed.TotalSeconds;
        var bulkCpu = cpu.Elapsed.TotalSeconds;
        var bulkPeak = PeakMemory.Read();
        DeleteDb(bulkDb);
        progress?.Invoke($"{requests:N0} requests: plain bulk load {bulk:0.0} s ({bulkCpu:0.0} s CPU)");

        var db = Path.Combine(workFolder, "pipeline.db");
        DeleteDb(db);
        // Hand the bulk load's memory back first, or the pipeline's peak would include what the GC kept from it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        PeakMemory.Reset();
        cpu = CpuStopwatch.StartNew();
        sw.Restart();
        var summary = SearchLogPipeline.RunAsync(new PipelineOptions { InputFolder = folder, Database = db, MaxParallel = sequential ? 1 : 4 }).GetAwaiter().GetResult();
        var pipeline = sw.Elapsed.TotalSeconds;
        var pipelineCpu = cpu.Elapsed.TotalSeconds;
        var pipelinePeak = PeakMemory.Read();
        DeleteDb(db);
        progress?.Invoke($"{requests:N0} requests: pipeline {pipeline:0.0} s ({pipelineCpu:0.0} s CPU; {(summary.Succeeded ? "ok" : summary.Error)})");
        if (summary.Memory is { } m)
            progress?.Invoke($"    index: requests {m.Requests:N0} x {m.RequestBytesPerRow:0.0} B, clicks {m.Clicks:N0} x {m.ClickBytesPerRow:0.0} B, " +
                             $"decisions {m.DecisionBytes / 1048576.0:N0} MB; {m.TotalBytes / 1048576.0:N0} MB in all");
        foreach (var t in summary.Tasks) progress?.Invoke($"    {t.Task,-18} {t.Elapsed.TotalSeconds,7:0.0} s {t.ProcessCpu.TotalSeconds,7:0.0} s CPU{(sequential ? "" : " (overlapping)")}");

        return new PipelineBenchResult(requests, logs.RequestRows, logs.ClickRows, generate, bulk, pipeline, bulkPeak, pipelinePeak,
            summary.Succeeded, MachineLoad.OneMinute(), bulkCpu, pipelineCpu);
    }

    private static GeneratedLogs Generate(string folder, long requests)
    {
        var logs = MessyLogGenerator.Write(folder, requests);
        File.WriteAllText(Path.Combine(folder, "done"), $"{logs.RequestRows} {logs.ClickRows}");
        return logs;
    }

    private static GeneratedLogs ReadExisting(string folder, long requests)
    {
        var n = File.ReadAllText(Path.Combine(folder, "done")).Split(' ').Select(long.Parse).ToArray();
        return new GeneratedLogs(folder, n[0], n[1], new Dictionary<string, long>(), new Dictionary<string, long>());
    }

    /// <summary>The floor: the same CSVs into SQLite with nothing but parsing and inserting.</summary>
    public static long BulkLoad(string folder, string dbPath)
    {
        using var c = (SqliteConnection)SearchLogDatabase.Open(dbPath);
        SearchLogDatabase.Execute(c, "PRAGMA synchronous = OFF; PRAGMA cache_size = -131072;");
        long rows = 0;
        foreach (var source in new[] { RawLogSource.Requests, RawLogSource.Clicks })
        {
            using var csv = CsvReader.FromFile(Path.Combine(folder, source.FileName), new CsvReaderOptions { Separator = ',', HasHeader = true });
            var columns = csv.Headers.Select((h, i) => h.Length == 0 ? $"c{i}" : h).ToList();
            using var tx = c.BeginTransaction();
            SearchLogDatabase.Execute(c, $"DROP TABLE IF EXISTS raw_{source.Name}", tx);
            SearchLogDatabase.Execute(c, $"CREATE TABLE raw_{source.Name} ({string.Join(", ", columns.Select(x => x + " TEXT"))})", tx);
            using var w = StagingWriter.Create(c, tx, $"raw_{source.Name}", columns);
            while (csv.Read())
            {
                for (var i = 0; i < columns.Count; i++) w.Text(i < csv.FieldCount ? csv.GetString(i) : null);
                w.EndRow();
            }
            w.Complete();
            rows += w.Rows;
            tx.Commit();
        }
        return rows;
    }

    private static void DeleteDb(string path)
    {
        foreach (var f in new[] { path, path + "-journal", path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
    }
}

/// <summary>Peak resident memory of this process, resettable per phase on Linux (VmHWM via /proc/self/clear_refs).</summary>
internal static class PeakMemory
{
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static long Read()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            if (line != null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
