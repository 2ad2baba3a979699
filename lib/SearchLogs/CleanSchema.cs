namespace Workbook.SearchLogs;

/// <summary>Portable column types; each backend spells them in <see cref="SqlDialect"/>.</summary>
internal enum ColumnType { Text, BigInt, Int, Real }

internal sealed record Column(string Name, ColumnType Type, bool Nullable = false);

internal sealed record TableSchema(string Name, IReadOnlyList<Column> Columns)
{
    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);
    public int Ordinal(string column) => Columns.Select((c, i) => (c, i)).First(x => x.c.Name == column).i;

    /// <summary>The same layout under another name, with <paramref name="nullable"/> columns allowed to be NULL.</summary>
    public TableSchema As(string name, params string[] nullable) =>
        new(name, Columns.Select(c => nullable.Contains(c.Name) ? c with { Nullable = true } : c).ToList());
}

/// <summary>
/// The published tables and the run history, the contract the enrichment code and the notebooks read.
/// Timestamps: <c>ts</c> is UTC ISO-8601 with milliseconds ("2020-03-10T13:24:31.000Z", sorts as text),
/// <c>ts_original</c> the raw text, <c>ts_utc_offset</c> the offset the raw text carried ("-04:00"),
/// <c>ts_unix_ms</c> the same instant as Unix milliseconds for arithmetic.
/// <c>line_number</c> is the 1-based physical line of the source CSV where the record starts (the header is line 1).
/// </summary>
internal static class CleanSchema
{
    public const string RequestTable = "clean_search_request";
    public const string ClickTable = "clean_search_result_interaction";
    public const string RejectedTable = "rejected_rows";
    public const string PipelineRunsTable = "pipeline_runs";
    public const string TaskRunsTable = "task_runs";

    /// <summary>Values of <c>rejected_rows.source_table</c>.</summary>
    public const string RequestSource = "search_request";
    public const string ClickSource = "search_result_interaction";

    public static readonly TableSchema Request = new(RequestTable,
    [
        new("search_id", ColumnType.Text),
        new("search_query", ColumnType.Text),
        new("ts", ColumnType.Text),
        new("cuid", ColumnType.BigInt),
        new("total", ColumnType.BigInt),
        new("ts_original", ColumnType.Text),
        new("ts_utc_offset", ColumnType.Text),
        new("ts_unix_ms", ColumnType.BigInt),
        new("query_normalized", ColumnType.Text),
        new("query_kind", ColumnType.Text),          // QueryKind name: Search, Email, Url, NonText, Empty
        new("mojibake_repaired", ColumnType.Int),    // 1 when the raw query was UTF-8 read as Latin-1/CP1252
        new("line_number", ColumnType.BigInt),
        new("run_id", ColumnType.Text),
    ]);

    public static readonly TableSchema Click = new(ClickTable,
    [
        new("search_id", ColumnType.Text),
        new("ts", ColumnType.Text),
        new("cid", ColumnType.BigInt),
        new("position", ColumnType.Int),
        new("ts_original", ColumnType.Text),
        new("ts_utc_offset", ColumnType.Text),
        new("ts_unix_ms", ColumnType.BigInt),
        new("seconds_after_request", ColumnType.Real),
        new("line_number", ColumnType.BigInt),
        new("run_id", ColumnType.Text),
    ]);

    public static readonly TableSchema Rejected = new(RejectedTable,
    [
        new("source_table", ColumnType.Text),
        new("line_number", ColumnType.BigInt),
        new("raw_line", ColumnType.Text),
        new("reason", ColumnType.Text),              // see RejectReason
        new("detail", ColumnType.Text, Nullable: true),
        new("merged_into", ColumnType.Text, Nullable: true),      // key of the kept row (search_id, or search_id/cid/position)
        new("merged_into_line", ColumnType.BigInt, Nullable: true), // line_number of the kept row
        new("run_id", ColumnType.Text),
    ]);

    public static readonly TableSchema PipelineRuns = new(PipelineRunsTable,
    [
        new("run_id", ColumnType.Text),
        new("started_at", ColumnType.Text),
        new("finished_at", ColumnType.Text, Nullable: true),
        new("status", ColumnType.Text),              // running, succeeded, failed, abandoned (its process died; set by the next run)
        new("input_folder", ColumnType.Text),
        new("backend", ColumnType.Text),
        new("summary", ColumnType.Text, Nullable: true), // JSON of PipelineSummary
        new("error", ColumnType.Text, Nullable: true),
        new("pid", ColumnType.BigInt, Nullable: true),   // the process and machine that ran it (NULL in history from before they were kept)
        new("host", ColumnType.Text, Nullable: true),
    ]);

    public static readonly TableSchema TaskRuns = new(TaskRunsTable,
    [
        new("run_id", ColumnType.Text),
        new("task", ColumnType.Text),
        new("started_at", ColumnType.Text),
        new("finished_at", ColumnType.Text, Nullable: true),
        new("status", ColumnType.Text),              // succeeded, failed, skipped
        new("attempts", ColumnType.Int),
        new("rows", ColumnType.BigInt, Nullable: true),
        new("error", ColumnType.Text, Nullable: true),
    ]);
}

/// <summary>Values of <c>rejected_rows.reason</c>.</summary>
internal static class RejectReason
{
    public const string MalformedLine = "malformed_line";           // wrong number of fields, bad quoting
    public const string InvalidUtf8 = "invalid_utf8";               // bytes that are not UTF-8 (shown as U+FFFD)
    public const string MissingField = "missing_field";             // a required field is empty
    public const string BadTimestamp = "bad_timestamp";             // unparseable, or without a UTC offset
    public const string BadNumber = "bad_number";                   // non-numeric or out of range
    public const string DuplicateRequest = "duplicate_request";     // same search_id, same fields (same instant)
    public const string ConflictingRequest = "conflicting_request"; // same search_id, different fields
    public const string DuplicateClick = "duplicate_click";         // same search, clip, position and instant
    public const string RepeatedClick = "repeated_click";           // same search, clip and position, later instant
    public const string OrphanClick = "orphan_click";               // no request with that search_id
    public const string ClickBeforeRequest = "click_before_request";

    public static readonly IReadOnlyList<string> All =
    [
        MalformedLine, InvalidUtf8, MissingField, BadTimestamp, BadNumber, DuplicateRequest, ConflictingRequest,
        DuplicateClick, RepeatedClick, OrphanClick, ClickBeforeRequest,
    ];
}
