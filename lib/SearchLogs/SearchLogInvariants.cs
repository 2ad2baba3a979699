using System.Data.Common;

namespace Workbook.SearchLogs;

/// <summary>
/// What must hold after cleaning, checked with SQL on either backend: every raw row is clean or rejected (same count
/// and same line numbers), one request per search_id, one click per (search_id, cid, position), every click has its
/// request and is not before it, UTC ISO-8601 timestamps, known reject reasons. The pipeline runs it on the staged
/// tables before publishing; the notebook runs it again on the published tables against its own count of raw rows.
/// </summary>
internal static class SearchLogInvariants
{
    /// <summary>Checks the published tables of <paramref name="db"/> against the raw files in <paramref name="inputFolder"/>,
    /// counted here independently of the pipeline.</summary>
    public static IReadOnlyList<InvariantCheck> CheckPublished(string db, string inputFolder)
    {
        var raw = new Dictionary<string, (long, long)>();
        foreach (var source in new[] { RawLogSource.Requests, RawLogSource.Clicks })
        {
            long rows = 0, sum = 0;
            using var r = new RawLogReader(Path.Combine(inputFolder, source.FileName), source);
            while (r.Read()) { rows++; sum += r.LineNumber; }
            raw[source.Name] = (rows, sum);
        }
        using var c = SearchLogDatabase.Open(db);
        return Check(c, CleanSchema.RequestTable, CleanSchema.ClickTable, CleanSchema.RejectedTable, raw);
    }

    /// <param name="raw">Per source_table: rows read from the raw file and the sum of their line numbers.</param>
    public static IReadOnlyList<InvariantCheck> Check(DbConnection c, string requests, string clicks, string rejected,
        IReadOnlyDictionary<string, (long Rows, long LineSum)> raw)
    {
        var checks = new List<InvariantCheck>();
        foreach (var (source, table) in new[] { (CleanSchema.RequestSource, requests), (CleanSchema.ClickSource, clicks) })
        {
            var (rows, lineSum) = raw[source];
            var (clean, cleanSum) = CountAndSum(c, $"FROM {table}");
            var (bad, badSum) = CountAndSum(c, $"FROM {rejected} WHERE source_table = '{source}'");
            checks.Add(new($"{source}: raw rows = clean + rejected", rows == clean + bad, $"{rows:N0} = {clean:N0} + {bad:N0}"));
            // Equal counts could hide one row counted twice and another lost; equal sums of line numbers as well is
            // the cheap proof that the same lines are accounted for.
            checks.Add(new($"{source}: the same lines accounted for", cleanSum + badSum == lineSum,
                $"sum of line numbers {cleanSum + badSum:N0} vs {lineSum:N0} in the file"));
        }
        var dupRequests = Long(c, $"SELECT COUNT(*) FROM (SELECT search_id FROM {requests} GROUP BY search_id HAVING COUNT(*) > 1) d");
        checks.Add(new("clean requests: one row per search_id", dupRequests == 0, $"{dupRequests:N0} search_ids repeated"));
        var dupClicks = Long(c, $"SELECT COUNT(*) FROM (SELECT 1 AS x FROM {clicks} GROUP BY search_id, cid, position HAVING COUNT(*) > 1) d");
        checks.Add(new("clean clicks: one row per (search_id, cid, position)", dupClicks == 0, $"{dupClicks:N0} repeated"));
        var unlinked = Long(c, $"""
            SELECT COUNT(*) FROM {clicks} k LEFT JOIN {requests} r ON r.search_id = k.search_id
            WHERE r.search_id IS NULL OR k.ts_unix_ms < r.ts_unix_ms
            """);
        checks.Add(new("clean clicks: each has its request, at or after it", unlinked == 0, $"{unlinked:N0} clicks without or before their request"));
        const string iso = "'____-__-__T__:__:__.___Z'";
        var badTs = Long(c, $"SELECT COUNT(*) FROM {requests} WHERE ts NOT LIKE {iso}") + Long(c, $"SELECT COUNT(*) FROM {clicks} WHERE ts NOT LIKE {iso}");
        checks.Add(new("timestamps are UTC ISO-8601", badTs == 0, $"{badTs:N0} not yyyy-MM-ddTHH:mm:ss.fffZ"));
        var reasons = string.Join(",", RejectReason.All.Select(r => $"'{r}'"));
        var unknown = Long(c, $"SELECT COUNT(*) FROM {rejected} WHERE reason NOT IN ({reasons})");
        checks.Add(new("rejected rows have a known reason", unknown == 0, $"{unknown:N0} with another reason"));
        return checks;
    }

    /// <summary>
    /// The pipeline's own check of the staged tables before publishing, built to stay cheap at 10M rows: the unique
    /// keys are built as UNIQUE indexes (the build fails on a repeated key), and one scan per table compares what is
    /// stored with what the index pass counted in the raw files and the write pass wrote (rows and sums of line
    /// numbers per source).
    /// </summary>
    internal static IReadOnlyList<InvariantCheck> CheckStaged(DbConnection c, string suffix,
        IReadOnlyDictionary<string, (long Rows, long LineSum)> raw, IReadOnlyDictionary<string, WriteCounts> written)
    {
        var checks = new List<InvariantCheck>();
        using (var tx = c.BeginTransaction())
        {
            var failed = false;
            foreach (var (table, index, columns, name) in CleaningSteps.UniqueKeys())
            {
                if (failed) { checks.Add(new(name, false, "not checked after an earlier failure")); continue; }
                try
                {
                    SearchLogDatabase.Execute(c, $"CREATE UNIQUE INDEX {index}_{suffix} ON {table} ({columns})", tx);
                    checks.Add(new(name, true, $"unique index on ({columns})"));
                }
                catch (DbException e)
                {
                    failed = true;
                    checks.Add(new(name, false, e.Message));
                }
            }
            if (failed) return checks;
            if (c is not Microsoft.Data.Sqlite.SqliteConnection)
                foreach (var (table, _, _, _) in CleaningSteps.UniqueKeys()) SearchLogDatabase.Execute(c, $"ANALYZE {table}", tx);
            tx.Commit();
        }

        var reasons = string.Join(",", RejectReason.All.Select(r => $"'{r}'"));
        var rejected = new Dictionary<string, (long Count, long Sum)>();
        long unknown = 0;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"""
                SELECT source_table, COUNT(*), SUM(line_number), SUM(CASE WHEN reason IN ({reasons}) THEN 0 ELSE 1 END)
                FROM {CleaningSteps.StageRejected} GROUP BY source_table
                """;
            cmd.CommandTimeout = 0;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rejected[r.GetString(0)] = (Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2)));
                unknown += Convert.ToInt64(r.GetValue(3));
            }
        }
        var requests = Scan(c, $"SELECT COUNT(*), COALESCE(SUM(line_number), 0), 0 FROM {CleaningSteps.StageRequest}");
        var clicks = Scan(c, $"""
            SELECT COUNT(*), COALESCE(SUM(line_number), 0), COALESCE(SUM(CASE WHEN seconds_after_request >= 0 THEN 0 ELSE 1 END), 0)
            FROM {CleaningSteps.StageClick}
            """);

        foreach (var (source, stored) in new[] { (CleanSchema.RequestSource, requests), (CleanSchema.ClickSource, clicks) })
        {
            var (rows, lineSum) = raw[source];
            var w = written[source];
            var (bad, badSum) = rejected.GetValueOrDefault(source);
            var wrote = w.RowsRead == rows && w.Clean == stored.Count && w.Rejected == bad;
            checks.Add(new($"{source}: raw rows = clean + rejected", rows == stored.Count + bad && wrote,
                $"{rows:N0} = {stored.Count:N0} + {bad:N0}" + (wrote ? "" : $" (write pass read {w.RowsRead:N0}, wrote {w.Clean:N0} + {w.Rejected:N0})")));
            // Equal counts could hide one row counted twice and another lost; equal sums of line numbers as well is
            // the cheap proof that the same lines are accounted for.
            checks.Add(new($"{source}: the same lines accounted for",
                stored.Sum + badSum == lineSum && w.LineSum == lineSum && w.CleanLineSum == stored.Sum && w.RejectedLineSum == badSum,
                $"sum of line numbers {stored.Sum + badSum:N0} vs {lineSum:N0} in the file"));
        }
        checks.Add(new("clean clicks: each linked to its request, at or after it", clicks.Extra == 0,
            $"{clicks.Extra:N0} clicks without seconds_after_request >= 0"));
        checks.Add(new("rejected rows have a known reason", unknown == 0, $"{unknown:N0} with another reason"));
        return checks;
    }

    private static (long Count, long Sum, long Extra) Scan(DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        using var r = cmd.ExecuteReader();
        r.Read();
        return (Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2)));
    }

    /// <summary>SHA-256 over every row of the three published tables in line order, without run_id: two runs that
    /// published the same tables have the same digest.</summary>
    public static string Digest(string db)
    {
        using var c = SearchLogDatabase.Open(db);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (table, order) in new[]
                 {
                     (CleanSchema.RequestTable, "line_number"), (CleanSchema.ClickTable, "line_number"), (CleanSchema.RejectedTable, "source_table, line_number"),
                 })
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {table} ORDER BY {order}";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                for (var i = 0; i < r.FieldCount; i++)
                    if (r.GetName(i) != "run_id")
                        sha.AppendData(System.Text.Encoding.UTF8.GetBytes((r.IsDBNull(i) ? "\u0000" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)) + "\u001f"));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static (long Count, long Sum) CountAndSum(DbConnection c, string from)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*), COALESCE(SUM(line_number), 0) {from}";
        cmd.CommandTimeout = 0;
        using var r = cmd.ExecuteReader();
        r.Read();
        return (Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)));
    }

    private static long Long(DbConnection c, string sql) => Convert.ToInt64(SearchLogDatabase.Scalar(c, sql) ?? 0L);
}
