using Workbook.Dag;

namespace Workbook.SearchLogs;

/// <summary>One raw source after a run: rows in = clean + rejected (checked by the pipeline).</summary>
public sealed record SourceSummary(string Source, long RowsIn, long Clean, long Rejected, IReadOnlyDictionary<string, long> RejectedByReason)
{
    /// <summary>Rows merged into another row (duplicates of every kind) rather than rejected for being bad.</summary>
    public long Merged => RejectedByReason.Where(kv => kv.Key is RejectReason.DuplicateRequest or RejectReason.ConflictingRequest
        or RejectReason.DuplicateClick or RejectReason.RepeatedClick).Sum(kv => kv.Value);
}

/// <summary>An invariant the verify task checked on the staged tables before publishing them.</summary>
public sealed record InvariantCheck(string Name, bool Passed, string Detail);

/// <summary>What the in-memory indexes cost: entries and bytes (capacity, not just the used part) of the two sorted
/// indexes, and the per-line decisions kept for the write pass.</summary>
public sealed record IndexMemory(long Requests, long RequestBytes, long Clicks, long ClickBytes, long DecisionBytes)
{
    public double RequestBytesPerRow => RequestBytes / (double)Math.Max(1, Requests);
    public double ClickBytesPerRow => ClickBytes / (double)Math.Max(1, Clicks);
    public long TotalBytes => RequestBytes + ClickBytes + DecisionBytes;
}

public sealed record PipelineSummary(
    string RunId, DatabaseBackend Backend, string Database, bool Succeeded, string? Error,
    IReadOnlyList<SourceSummary> Sources, IReadOnlyList<InvariantCheck> Checks, IReadOnlyList<TaskResult> Tasks, TimeSpan Elapsed)
{
    /// <summary>Memory of the indexes (null when the run stopped before them).</summary>
    public IndexMemory? Memory { get; init; }

    /// <summary>True when another run was writing the same database, so this one did nothing.</summary>
    public bool Refused { get; init; }

    /// <summary>True when the run stopped on a problem with a whole file (missing file or column, wrong header).</summary>
    public bool StructuralFailure => Tasks.Any(t => t.Exception is SearchLogFormatException);

    /// <summary>A plain-text report: rows in, clean, rejected by reason, merged, checks and task timings.</summary>
    public string Render()
    {
        var lines = new List<string>
        {
            $"run {RunId} on {Backend} {Database}: {(Succeeded ? "succeeded" : "FAILED")} in {Elapsed.TotalSeconds:0.0} s",
        };
        if (Error != null) lines.Add($"error: {Error}");
        foreach (var s in Sources)
        {
            lines.Add($"{s.Source}: {s.RowsIn:N0} rows in, {s.Clean:N0} clean, {s.Rejected:N0} rejected ({s.Merged:N0} merged duplicates)");
            foreach (var (reason, n) in s.RejectedByReason.OrderByDescending(kv => kv.Value))
                lines.Add($"    {reason,-22} {n,12:N0}");
        }
        foreach (var c in Checks) lines.Add($"check {(c.Passed ? "ok  " : "FAIL")} {c.Name}: {c.Detail}");
        foreach (var t in Tasks)
            lines.Add($"task {t.Task,-18} {t.Outcome,-9} {t.Elapsed.TotalSeconds,7:0.00} s  rows={t.Rows?.ToString("N0") ?? "-"}  attempts={t.Attempts}{(t.Error == null ? "" : "  " + t.Error)}");
        return string.Join(Environment.NewLine, lines);
    }
}
