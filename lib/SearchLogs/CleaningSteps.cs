using System.Data.Common;

namespace Workbook.SearchLogs;

/// <summary>
/// The SQL of the cleaning tasks, shared by SQLite and PostgreSQL. Each step runs in one transaction, so a retried or
/// failed step leaves the staging tables as they were. Rows are never dropped: every row a step removes from a
/// staging table is first written to <c>stg_rejected</c> with its reason and the key of the row it was merged into.
/// </summary>
internal sealed class CleaningSteps(string runId, string suffix)
{
    public const string StageRequest = "stg_search_request";
    public const string StageClick = "stg_click";
    public const string StageRejected = "stg_rejected";
    public const string StageRawLines = "stg_raw_lines";
    public const string NextClick = "stg_clean_click";
    public const string NextRejected = "stg_rejected_rows";

    public static readonly string[] AllStaging =
        [StageRequest, StageClick, StageRejected, StageRawLines, NextClick, NextRejected, "stg_dup_request", "stg_dup_click"];

    private string Run => $"'{runId}'";

    /// <summary>Same search_id more than once. The kept copy is the one its clicks point to (the latest request at or
    /// before the first click); without clicks, the earliest. Others are duplicate_request when every field means the
    /// same (same instant), else conflicting_request with the fields that differ.</summary>
    public long CleanRequests(DbConnection c)
    {
        using var tx = c.BeginTransaction();
        Exec(c, tx, $"CREATE INDEX ix_stg_request_sid_{suffix} ON {StageRequest} (search_id, ts_unix_ms)");
        Exec(c, tx, "DROP TABLE IF EXISTS stg_dup_request");
        Exec(c, tx, $"""
            CREATE TABLE stg_dup_request AS
            WITH dup AS (SELECT search_id FROM {StageRequest} GROUP BY search_id HAVING COUNT(*) > 1),
            fc AS (SELECT k.search_id, MIN(k.ts_unix_ms) AS first_click_ms
                   FROM {StageClick} k WHERE k.search_id IN (SELECT search_id FROM dup) GROUP BY k.search_id)
            SELECT r.line_number, r.search_id, r.search_query, r.ts_unix_ms, r.ts_original, r.cuid, r.total,
                   ROW_NUMBER() OVER w AS rn, FIRST_VALUE(r.line_number) OVER w AS keep_line
            FROM {StageRequest} r LEFT JOIN fc ON fc.search_id = r.search_id
            WHERE r.search_id IN (SELECT search_id FROM dup)
            WINDOW w AS (PARTITION BY r.search_id ORDER BY
                CASE WHEN r.ts_unix_ms <= fc.first_click_ms THEN 0 ELSE 1 END,
                CASE WHEN r.ts_unix_ms <= fc.first_click_ms THEN -r.ts_unix_ms ELSE r.ts_unix_ms END,
                r.line_number)
            """);
        var n = Exec(c, tx, $"""
            INSERT INTO {StageRejected} (source_table, line_number, raw_line, reason, detail, merged_into, merged_into_line, run_id)
            SELECT '{CleanSchema.RequestSource}', d.line_number, NULL,
                   CASE WHEN d.search_query = k.search_query AND d.ts_unix_ms = k.ts_unix_ms AND d.cuid = k.cuid AND d.total = k.total
                        THEN '{RejectReason.DuplicateRequest}' ELSE '{RejectReason.ConflictingRequest}' END,
                   CASE WHEN d.search_query = k.search_query AND d.ts_unix_ms = k.ts_unix_ms AND d.cuid = k.cuid AND d.total = k.total
                        THEN CASE WHEN d.ts_original = k.ts_original THEN 'exact copy' ELSE 'same instant written differently' END
                        ELSE 'differs in:'
                             || CASE WHEN d.search_query <> k.search_query THEN ' search_query' ELSE '' END
                             || CASE WHEN d.ts_unix_ms <> k.ts_unix_ms THEN ' ts' ELSE '' END
                             || CASE WHEN d.cuid <> k.cuid THEN ' cuid' ELSE '' END
                             || CASE WHEN d.total <> k.total THEN ' total' ELSE '' END END,
                   d.search_id, d.keep_line, {Run}
            FROM stg_dup_request d JOIN stg_dup_request k ON k.line_number = d.keep_line
            WHERE d.rn > 1
            """);
        Exec(c, tx, $"DELETE FROM {StageRequest} WHERE line_number IN (SELECT line_number FROM stg_dup_request WHERE rn > 1)");
        Exec(c, tx, "DROP TABLE stg_dup_request");
        tx.Commit();
        return n;
    }

    /// <summary>Same search, clip and position more than once: one click on one result. The earliest is kept; later
    /// copies are duplicate_click (same instant, logged twice) or repeated_click (the result clicked again).</summary>
    public long CleanClicks(DbConnection c)
    {
        using var tx = c.BeginTransaction();
        Exec(c, tx, $"CREATE INDEX ix_stg_click_key_{suffix} ON {StageClick} (search_id, cid, position, ts_unix_ms)");
        Exec(c, tx, "DROP TABLE IF EXISTS stg_dup_click");
        Exec(c, tx, $"""
            CREATE TABLE stg_dup_click AS
            WITH dup AS (SELECT search_id, cid, position FROM {StageClick} GROUP BY search_id, cid, position HAVING COUNT(*) > 1)
            SELECT k.line_number, k.search_id, k.cid, k.position, k.ts_unix_ms,
                   ROW_NUMBER() OVER w AS rn, FIRST_VALUE(k.line_number) OVER w AS keep_line, FIRST_VALUE(k.ts_unix_ms) OVER w AS keep_ms
            FROM {StageClick} k JOIN dup ON dup.search_id = k.search_id AND dup.cid = k.cid AND dup.position = k.position
            WINDOW w AS (PARTITION BY k.search_id, k.cid, k.position ORDER BY k.ts_unix_ms, k.line_number)
            """);
        var n = Exec(c, tx, $"""
            INSERT INTO {StageRejected} (source_table, line_number, raw_line, reason, detail, merged_into, merged_into_line, run_id)
            SELECT '{CleanSchema.ClickSource}', d.line_number, NULL,
                   CASE WHEN d.ts_unix_ms = d.keep_ms THEN '{RejectReason.DuplicateClick}' ELSE '{RejectReason.RepeatedClick}' END,
                   CASE WHEN d.ts_unix_ms = d.keep_ms THEN 'same instant as the kept click'
                        ELSE ((d.ts_unix_ms - d.keep_ms) / 1000) || ' s after the kept click' END,
                   d.search_id || '/' || d.cid || '/' || d.position, d.keep_line, {Run}
            FROM stg_dup_click d WHERE d.rn > 1
            """);
        Exec(c, tx, $"DELETE FROM {StageClick} WHERE line_number IN (SELECT line_number FROM stg_dup_click WHERE rn > 1)");
        Exec(c, tx, "DROP TABLE stg_dup_click");
        tx.Commit();
        return n;
    }

    /// <summary>Joins every click to its (now unique) request in one pass, computing seconds_after_request; clicks
    /// without a request (orphan_click) or before it (click_before_request) are then rejected.</summary>
    public long LinkClicks(DbConnection c)
    {
        var dialect = SqlDialect.Of(c);
        using var tx = c.BeginTransaction();
        Exec(c, tx, SqlDialect.DropTable(NextClick));
        Exec(c, tx, dialect.CreateTable(CleanSchema.Click.As(NextClick, "seconds_after_request"), NextClick, rowIdColumn: "line_number"));
        var cols = string.Join(", ", CleanSchema.Click.ColumnNames);
        Exec(c, tx, $"""
            INSERT INTO {NextClick} ({cols})
            SELECT k.search_id, k.ts, k.cid, k.position, k.ts_original, k.ts_utc_offset, k.ts_unix_ms,
                   (k.ts_unix_ms - r.ts_unix_ms) / 1000.0, k.line_number, k.run_id
            FROM {StageClick} k LEFT JOIN {StageRequest} r ON r.search_id = k.search_id
            ORDER BY k.line_number
            """);
        var n = Exec(c, tx, $"""
            INSERT INTO {StageRejected} (source_table, line_number, raw_line, reason, detail, merged_into, merged_into_line, run_id)
            SELECT '{CleanSchema.ClickSource}', k.line_number, NULL, '{RejectReason.OrphanClick}',
                   'no request with this search_id', NULL, NULL, {Run}
            FROM {NextClick} k WHERE k.seconds_after_request IS NULL
            """);
        n += Exec(c, tx, $"""
            INSERT INTO {StageRejected} (source_table, line_number, raw_line, reason, detail, merged_into, merged_into_line, run_id)
            SELECT '{CleanSchema.ClickSource}', k.line_number, NULL, '{RejectReason.ClickBeforeRequest}',
                   CAST(-k.seconds_after_request AS BIGINT) || ' s before its request', r.search_id, r.line_number, {Run}
            FROM {NextClick} k JOIN {StageRequest} r ON r.search_id = k.search_id
            WHERE k.seconds_after_request < 0
            """);
        Exec(c, tx, $"DELETE FROM {NextClick} WHERE seconds_after_request IS NULL OR seconds_after_request < 0");
        Exec(c, tx, $"CREATE INDEX ix_click_key_{suffix} ON {NextClick} (search_id, cid, position)");
        if (!dialect.IsSqlite) Exec(c, tx, $"ANALYZE {NextClick}");
        tx.Commit();
        return n;
    }

    /// <summary>Line numbers of rejected rows whose raw text the load did not keep (rows that SQL rejected).</summary>
    public static HashSet<long> LinesMissingRawText(DbConnection c, string source)
    {
        var set = new HashSet<long>();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT line_number FROM {StageRejected} WHERE raw_line IS NULL AND source_table = '{source}'";
        cmd.CommandTimeout = 0;
        using var r = cmd.ExecuteReader();
        while (r.Read()) set.Add(r.GetInt64(0));
        return set;
    }

    /// <summary>Builds the next <c>rejected_rows</c> from <c>stg_rejected</c> and the raw lines read back.</summary>
    public long BuildRejected(DbConnection c, DbTransaction tx)
    {
        var dialect = SqlDialect.Of(c);
        Exec(c, tx, SqlDialect.DropTable(NextRejected));
        Exec(c, tx, dialect.CreateTable(CleanSchema.Rejected, NextRejected));
        var n = Exec(c, tx, $"""
            INSERT INTO {NextRejected} ({string.Join(", ", CleanSchema.Rejected.ColumnNames)})
            SELECT j.source_table, j.line_number, COALESCE(j.raw_line, l.raw_line), j.reason, j.detail, j.merged_into, j.merged_into_line, j.run_id
            FROM {StageRejected} j LEFT JOIN {StageRawLines} l ON l.source_table = j.source_table AND l.line_number = j.line_number
            ORDER BY j.source_table, j.line_number
            """);
        Exec(c, tx, $"CREATE UNIQUE INDEX ix_rejected_line_{suffix} ON {NextRejected} (source_table, line_number)");
        return n;
    }

    /// <summary>Replaces the published tables with the staged ones in one transaction.</summary>
    public static void Swap(DbConnection c)
    {
        using var tx = c.BeginTransaction();
        foreach (var (staged, published) in new[]
                 {
                     (StageRequest, CleanSchema.RequestTable), (NextClick, CleanSchema.ClickTable), (NextRejected, CleanSchema.RejectedTable),
                 })
        {
            Exec(c, tx, SqlDialect.DropTable(published));
            Exec(c, tx, $"ALTER TABLE {staged} RENAME TO {published}");
        }
        tx.Commit();
    }

    public static void DropStaging(DbConnection c)
    {
        foreach (var t in AllStaging) Exec(c, null, SqlDialect.DropTable(t));
    }

    internal static int Exec(DbConnection c, DbTransaction? tx, string sql) => SearchLogDatabase.Execute(c, sql, tx);

    internal static long Long(DbConnection c, DbTransaction? tx, string sql) => Convert.ToInt64(SearchLogDatabase.Scalar(c, sql, tx) ?? 0L);
}
