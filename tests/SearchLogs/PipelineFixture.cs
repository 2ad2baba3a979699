using System.Data.Common;
using System.Text;
using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

/// <summary>Small raw logs written by the tests, one row per case, and helpers to run the pipeline and read tables.</summary>
public static class PipelineFixture
{
    public const string RequestHeader = ",search_id,search_query,ts,cuid,total";
    public const string ClickHeader = ",search_id,ts,cid,position";

    /// <summary>Request lines 2..14 with the outcome each must get (null = clean).</summary>
    public static readonly (string Line, string? Reason)[] Requests =
    [
        ("0,AAAAAAAAAAAAAAAAAAA1,wyrm,2020-03-10 09:24:31.000 -0400,1259928,86", null),
        ("1,AAAAAAAAAAAAAAAAAAA2,\"penny lane, the voyagers,\",2020-07-15 07:43:42.000 -0400,317970444,5", null),
        ("2,AAAAAAAAAAAAAAAAAAA1,wyrm,2020-03-10 09:24:31.000 -0400,1259928,86", RejectReason.DuplicateRequest),
        ("3,AAAAAAAAAAAAAAAAAAA3,titles,2019-01-14 13:52:12-05:00,67184974,161300", RejectReason.ConflictingRequest),
        ("4,AAAAAAAAAAAAAAAAAAA3,titles,2019-10-22 14:01:44.000 -0400,67184974,161300", null),
        ("5,AAAAAAAAAAAAAAAAAAA4,bad ts,2020-02-30 10:00:00.000 -0400,1,1", RejectReason.BadTimestamp),
        ("6,AAAAAAAAAAAAAAAAAAA5,bad number,2020-02-03 10:00:00.000 -0500,12x,1", RejectReason.BadNumber),
        ("7,,empty id,2020-02-03 10:00:00.000 -0500,1,1", RejectReason.MissingField),
        ("8,AAAAAAAAAAAAAAAAAAA6,too,many,fields,2020-02-03 10:00:00.000 -0500,1,1", RejectReason.MalformedLine),
        ("9,AAAAAAAAAAAAAAAAAAA7,caf\u0001 latin1,2020-02-03 10:00:00.000 -0500,1,1", RejectReason.InvalidUtf8), // \u0001 becomes byte 0xE9
        ("10,AAAAAAAAAAAAAAAAAAA8,same instant,2020-02-03 10:00:00.000 -0500,5,5", null),
        ("11,AAAAAAAAAAAAAAAAAAA8,same instant,2020-02-03 15:00:00Z,5,5", RejectReason.DuplicateRequest),
        ("12,AAAAAAAAAAAAAAAAAAA9,ab\"c,2020-02-03 10:00:00.000 -0500,1,1", RejectReason.MalformedLine),
    ];

    /// <summary>Click lines 2..11 with the outcome each must get (null = clean).</summary>
    public static readonly (string Line, string? Reason)[] Clicks =
    [
        ("0,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:24:35.000 -0400,100,1", null),
        ("1,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:24:35.000 -0400,100,1", RejectReason.DuplicateClick),
        ("2,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:30:00.000 -0400,100,1", RejectReason.RepeatedClick),
        ("3,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:25:00.000 -0400,200,2", null),
        ("4,AAAAAAAAAAAAAAAAAAA3,2019-10-22 14:01:50.000 -0400,300,1", null),
        ("5,ZZZZZZZZZZZZZZZZZZZZ,2020-01-01 00:00:00.000 -0500,400,1", RejectReason.OrphanClick),
        ("6,AAAAAAAAAAAAAAAAAAA2,2020-07-15 07:40:00.000 -0400,500,3", RejectReason.ClickBeforeRequest),
        ("7,AAAAAAAAAAAAAAAAAAA2,2020-07-15 11:44:00Z,600,4", null),
        ("8,AAAAAAAAAAAAAAAAAAA1,2020-03-10 09:26:00.000 -0400,700,first", RejectReason.BadNumber),
        ("9,AAAAAAAAAAAAAAAAAAA4,2020-03-10 09:26:00.000 -0400,800,1", RejectReason.OrphanClick),
    ];

    public static string NewFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "slp_" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes both files; invalid UTF-8 is written as a raw 0xE9 byte where a line holds \u0001.</summary>
    public static string Write(string folder, bool crlf = false, bool bom = false)
    {
        WriteFile(Path.Combine(folder, RawLogSource.Requests.FileName), RequestHeader, Requests.Select(r => r.Line), crlf, bom);
        WriteFile(Path.Combine(folder, RawLogSource.Clicks.FileName), ClickHeader, Clicks.Select(r => r.Line), crlf, bom);
        return folder;
    }

    public static void WriteFile(string path, string header, IEnumerable<string> lines, bool crlf = false, bool bom = false)
    {
        var eol = crlf ? "\r\n" : "\n";
        var utf8 = Encoding.UTF8.GetBytes(header + eol + string.Concat(lines.Select(l => l + eol)));
        for (var i = 0; i < utf8.Length; i++)
            if (utf8[i] == 0x01) utf8[i] = 0xE9; // "é" in Latin-1: not valid UTF-8 on its own
        File.WriteAllBytes(path, bom ? [0xEF, 0xBB, 0xBF, .. utf8] : utf8);
    }

    public static Task<PipelineSummary> Run(string folder, string db) =>
        SearchLogPipeline.RunAsync(new PipelineOptions { InputFolder = folder, Database = db, MaxRetries = 1 });

    /// <summary>Every row of a table as text, ordered, without run_id (which differs between runs by design).</summary>
    public static List<string> Dump(string db, string table, string orderBy)
    {
        using var c = SearchLogDatabase.Open(db);
        return Dump(c, table, orderBy);
    }

    public static List<string> Dump(DbConnection c, string table, string orderBy)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {table} ORDER BY {orderBy}";
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            var cells = new List<string>();
            for (var i = 0; i < r.FieldCount; i++)
                if (r.GetName(i) != "run_id") cells.Add(r.IsDBNull(i) ? "NULL" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
            rows.Add(string.Join("|", cells));
        }
        return rows;
    }

    public static Dictionary<long, (string Reason, string Raw, string? MergedInto, long? MergedLine)> Rejected(DbConnection c, string source)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT line_number, reason, raw_line, merged_into, merged_into_line FROM rejected_rows WHERE source_table = '{source}'";
        using var r = cmd.ExecuteReader();
        var d = new Dictionary<long, (string, string, string?, long?)>();
        while (r.Read())
            d[r.GetInt64(0)] = (r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4));
        return d;
    }

    public static List<long> CleanLines(DbConnection c, string table)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT line_number FROM {table} ORDER BY line_number";
        using var r = cmd.ExecuteReader();
        var list = new List<long>();
        while (r.Read()) list.Add(r.GetInt64(0));
        return list;
    }
}
