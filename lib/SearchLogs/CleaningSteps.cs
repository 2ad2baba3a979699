using System.Data.Common;

namespace Workbook.SearchLogs;

/// <summary>
/// The staging tables the write pass fills and the SQL around them: unique indexes built once the rows are in (they
/// are also the check that the keys are unique), and the swap that publishes the staged tables in one transaction.
/// </summary>
internal static class CleaningSteps
{
    public const string StageRequest = "stg_search_request";
    public const string StageClick = "stg_clean_click";
    public const string StageRejected = "stg_rejected_rows";

    /// <summary>Every staging table this or an earlier version of the pipeline may have left behind.</summary>
    public static readonly string[] AllStaging =
        [StageRequest, StageClick, StageRejected, "stg_click", "stg_rejected", "stg_raw_lines", "stg_dup_request", "stg_dup_click"];

    /// <summary>The unique keys of the three tables, as (table, index name prefix, columns, what is unique).</summary>
    public static IEnumerable<(string Table, string Index, string Columns, string Check)> UniqueKeys() =>
    [
        (StageRequest, "ix_request_sid", "search_id", "clean requests: one row per search_id"),
        (StageClick, "ix_click_key", "search_id, cid, position", "clean clicks: one row per (search_id, cid, position)"),
        (StageRejected, "ix_rejected_line", "source_table, line_number", "rejected rows: one row per source line"),
    ];

    /// <summary>
    /// Replaces the published tables with the staged ones in one transaction, which also marks <paramref name="runId"/>
    /// succeeded in pipeline_runs: killed right after, the history still names the run whose tables are published
    /// (and the next run does not call it abandoned).
    /// </summary>
    public static void Swap(DbConnection c, string runId)
    {
        using var tx = c.BeginTransaction();
        using (var mark = c.CreateCommand())
        {
            mark.Transaction = tx;
            mark.CommandText = $"UPDATE {CleanSchema.PipelineRunsTable} SET status = 'succeeded' WHERE run_id = @r";
            SearchLogDatabase.AddParameter(mark, "@r", runId);
            mark.ExecuteNonQuery();
        }
        foreach (var (staged, published) in new[]
                 {
                     (StageRequest, CleanSchema.RequestTable), (StageClick, CleanSchema.ClickTable), (StageRejected, CleanSchema.RejectedTable),
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
