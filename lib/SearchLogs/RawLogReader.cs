using System.Globalization;
using System.Text;
using CsvHelper;
using System.Text.Unicode;
using Workbook.Reports;

namespace Workbook.SearchLogs;

/// <summary>A problem with a whole file (missing file or column, wrong header, broken framing): the run stops.</summary>
public sealed class SearchLogFormatException(string file, long line, string? field, string message)
    : Exception($"{file}, line {line}{(field == null ? "" : $", field '{field}'")}: {message}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string? Field { get; } = field;
}

/// <summary>One of the two raw logs: its <c>source_table</c> name, file name and the columns it must have.</summary>
public sealed record RawLogSource(string Name, string FileName, IReadOnlyList<string> Columns)
{
    public static readonly RawLogSource Requests = new(CleanSchema.RequestSource, "search_request.csv",
        ["search_id", "search_query", "ts", "cuid", "total"]);
    public static readonly RawLogSource Clicks = new(CleanSchema.ClickSource, "search_result_interaction.csv",
        ["search_id", "ts", "cid", "position"]);
}

/// <summary>
/// Streams one raw log with CsvHelper: checks the header, then yields records with their starting line number, raw
/// text and the required fields in <see cref="RawLogSource.Columns"/> order. Record-level damage (wrong field count,
/// bad quoting, bytes that are not UTF-8) is reported in <see cref="Problem"/> so the row can be rejected and the
/// run goes on. Line breaks inside quotes are not allowed: no query in the logs has one, and it keeps one bad quote
/// from swallowing the rest of the file. The first, unnamed column (a pandas index) is not required and not kept:
/// it numbers rows of an earlier export, not events, and the line number identifies a row better.
/// </summary>
public sealed class RawLogReader : IDisposable
{
    private readonly CsvReader _csv;
    private readonly int[] _ordinals;
    private readonly int _headerCount;
    private long _malformedLine = -1;
    private CsvMalformedReason _malformedReason;

    public string Path { get; }
    public RawLogSource Source { get; }
    public IReadOnlyList<string> Header { get; }
    /// <summary>1-based physical line where the current record starts (the header is line 1).</summary>
    public long LineNumber => _csv.LineNumber;
    /// <summary>Why the current record cannot be read (<see cref="RejectReason"/>), or null.</summary>
    public string? Problem { get; private set; }
    public string? ProblemDetail { get; private set; }

    public RawLogReader(string path, RawLogSource source)
    {
        Path = path;
        Source = source;
        if (!File.Exists(path))
            throw new SearchLogFormatException(path, 0, null, $"file not found (expected {source.FileName} for {source.Name})");
        DataLineage.Record(path);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            OnMalformedRecord = r => { _malformedLine = r.LineNumber; _malformedReason = r.Reason; },
        };
        _csv = CsvReader.FromFile(path, options);
        string[] header;
        try { header = _csv.Headers.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray(); }
        catch (CsvFormatException e) { throw new SearchLogFormatException(path, 1, null, "unreadable header: " + e.Message); }
        if (header.Length == 0 || header.All(h => h.Length == 0))
            throw new SearchLogFormatException(path, 1, null, "empty file, expected a header line");
        Header = header;
        _headerCount = header.Length;

        _ordinals = new int[source.Columns.Count];
        for (var c = 0; c < source.Columns.Count; c++)
        {
            var name = source.Columns[c];
            var found = Enumerable.Range(0, header.Length).Where(i => header[i].Equals(name, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (found.Length == 0)
                throw new SearchLogFormatException(path, 1, name,
                    $"missing column '{name}'; header is [{string.Join(", ", header)}], expected {string.Join(", ", source.Columns)}");
            if (found.Length > 1)
                throw new SearchLogFormatException(path, 1, name, $"column '{name}' appears {found.Length} times in the header");
            _ordinals[c] = found[0];
        }
    }

    public bool Read()
    {
        if (!_csv.Read()) return false;
        Problem = null; ProblemDetail = null;
        if (_malformedLine == _csv.LineNumber)
        {
            Problem = RejectReason.MalformedLine;
            ProblemDetail = $"bad quoting: {_malformedReason}";
        }
        else if (_csv.FieldCount != _headerCount)
        {
            Problem = RejectReason.MalformedLine;
            ProblemDetail = $"expected {_headerCount} fields, found {_csv.FieldCount}";
        }
        else if (!Utf8.IsValid(_csv.RawRecord))
        {
            Problem = RejectReason.InvalidUtf8;
            ProblemDetail = "bytes that are not UTF-8 (shown as U+FFFD in raw_line)";
        }
        return true;
    }

    /// <summary>The record as it appeared in the file, without its line end (invalid bytes shown as U+FFFD).</summary>
    public string RawLine => Encoding.UTF8.GetString(_csv.RawRecord);

    /// <summary>Required field <paramref name="column"/> (index into <see cref="RawLogSource.Columns"/>).</summary>
    public string Field(int column) => _csv.GetString(_ordinals[column]) ?? "";

    public void Dispose() => _csv.Dispose();
}
