using Microsoft.Data.Sqlite;
using Workbook.SearchLogs.Enrichment;

namespace Workbook.Tests.Enrichment;

/// <summary>A temporary SQLite file holding the pipeline's clean tables (its documented schema) with given rows.</summary>
internal sealed class CleanDbFixture : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"enrich-{Guid.NewGuid():N}.db");

    public CleanDbFixture(IEnumerable<LoggedSearch> searches, IEnumerable<LoggedClick> clicks, bool withTables = true)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        if (!withTables)
        {
            Exec(connection, "CREATE TABLE something_else (x INTEGER)");
            return;
        }
        Exec(connection, """
            CREATE TABLE clean_search_request (search_id TEXT PRIMARY KEY, search_query TEXT, ts TEXT NOT NULL, cuid TEXT,
              total INTEGER, ts_original TEXT, ts_utc_offset TEXT, query_normalized TEXT, query_kind TEXT, line_number INTEGER, run_id TEXT);
            CREATE TABLE clean_search_result_interaction (search_id TEXT, ts TEXT NOT NULL, cid TEXT, position INTEGER, ts_original TEXT,
              ts_utc_offset TEXT, seconds_after_request REAL, line_number INTEGER, run_id TEXT);
            """);
        using var tx = connection.BeginTransaction();
        var line = 2;
        foreach (var s in searches)
            Exec(connection, "INSERT INTO clean_search_request (search_id, search_query, ts, cuid, total, line_number, run_id) VALUES ($1, $2, $3, 'u', $4, $5, 'test')",
                s.SearchId, s.Query, s.TsUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), s.Total, line++);
        foreach (var c in clicks)
            Exec(connection, "INSERT INTO clean_search_result_interaction (search_id, ts, cid, position, line_number, run_id) VALUES ($1, $2, $3, $4, $5, 'test')",
                c.SearchId, c.TsUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), c.ClipId, c.Position, line++);
        tx.Commit();
    }

    private static void Exec(SqliteConnection connection, string sql, params object[] values)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < values.Length; i++) cmd.Parameters.AddWithValue($"${i + 1}", values[i]);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(Path);
    }
}

/// <summary>A small hand-made clean log: documentary/music/nature searches with typos, clicks and a zero-result search.</summary>
internal static class SampleLog
{
    private static readonly DateTime T0 = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static (List<LoggedSearch> Searches, List<LoggedClick> Clicks) Rows()
    {
        var searches = new List<LoggedSearch>();
        var clicks = new List<LoggedClick>();
        var i = 0;
        void Add(string query, long total, params (string Clip, int Position)[] clicked)
        {
            var id = $"s{i:000}";
            var ts = T0.AddMinutes(10 * i++);
            searches.Add(new LoggedSearch(id, query, ts, total));
            foreach (var (clip, position) in clicked) clicks.Add(new LoggedClick(id, clip, position, ts.AddSeconds(30)));
        }
        for (var k = 0; k < 6; k++) Add("Documentary", 500, ("100", 1));
        Add("documentary film", 200, ("100", 2), ("101", 3));
        Add("documentary film", 200, ("101", 1));
        Add("film festival", 90, ("101", 1), ("102", 4));
        for (var k = 0; k < 4; k++) Add("music video", 800, ("200", 1));
        Add("music  VIDEO!", 800, ("201", 2));
        Add("nature", 300, ("300", 1));
        Add("documantary", 0);
        Add("someone@example.com", 0);
        return (searches, clicks);
    }

    public static CleanLog Log()
    {
        var (s, c) = Rows();
        return new CleanLog(s, c);
    }
}
