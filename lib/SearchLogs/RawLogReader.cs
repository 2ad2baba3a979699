using System.Runtime.CompilerServices;
using System.Text;
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
internal sealed record RawLogSource(string Name, string FileName, IReadOnlyList<string> Columns)
{
    public static readonly RawLogSource Requests = new(CleanSchema.RequestSource, "search_request.csv",
        ["search_id", "search_query", "ts", "cuid", "total"]);
    public static readonly RawLogSource Clicks = new(CleanSchema.ClickSource, "search_result_interaction.csv",
        ["search_id", "ts", "cid", "position"]);
}

/// <summary>
/// Streams one raw log over its UTF-8 bytes: checks the header, then yields records with their line number, raw
/// text and the required fields in <see cref="RawLogSource.Columns"/> order. A record is one physical line (CRLF or
/// LF; blank lines are skipped): line breaks inside quotes are not allowed, no query in the logs has one, and it keeps
/// one bad quote from swallowing the rest of the file. Lines without a quote are split on commas directly; lines with
/// one go through a strict RFC 4180 field parser. Record-level damage (wrong field count, bad quoting, bytes that are
/// not UTF-8) is reported in <see cref="Problem"/> so the row can be rejected and the run goes on. The first, unnamed
/// column (a pandas index) is not required and not kept: it numbers rows of an earlier export, not events, and the
/// line number identifies a row better.
/// </summary>
internal sealed class RawLogReader : IDisposable
{
    private readonly FileStream _stream;
    private byte[] _buffer = new byte[1 << 20];
    private int _pos, _end;
    private bool _eof;
    private long _nextLine = 1;

    private int _lineStart, _lineLength;
    private byte[] _unquoted = new byte[256];
    private bool _fromUnquoted;
    private int[] _fieldStart = new int[16], _fieldLength = new int[16];
    private int _fieldCount;
    private readonly int[] _ordinals;
    private readonly int _headerCount;
    private readonly char[][] _chars;

    public string Path { get; }
    public RawLogSource Source { get; }
    public IReadOnlyList<string> Header { get; }
    /// <summary>1-based physical line of the current record (the header is line 1).</summary>
    public long LineNumber { get; private set; }
    /// <summary>Why the current record cannot be read (<see cref="RejectReason"/>), or null.</summary>
    public string? Problem { get; private set; }
    public string? ProblemDetail { get; private set; }
    /// <summary>Length of the file when it was opened (to notice a file changed between two passes).</summary>
    public long FileLength { get; }
    public DateTime FileWriteTimeUtc { get; }

    public RawLogReader(string path, RawLogSource source)
    {
        Path = path;
        Source = source;
        if (!File.Exists(path))
            throw new SearchLogFormatException(path, 0, null, $"file not found (expected {source.FileName} for {source.Name})");
        DataLineage.Record(path);
        var info = new FileInfo(path);
        (FileLength, FileWriteTimeUtc) = (info.Length, info.LastWriteTimeUtc);
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        Fill();
        if (_end - _pos >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _pos = 3;

        if (!NextLine())
            throw new SearchLogFormatException(path, 1, null, "empty file, expected a header line");
        var quoting = SplitFields();
        if (quoting != null) throw new SearchLogFormatException(path, 1, null, "unreadable header: " + quoting);
        var header = new string[_fieldCount];
        for (var i = 0; i < _fieldCount; i++) header[i] = Encoding.UTF8.GetString(FieldBytes(i)).Trim().TrimStart('\uFEFF');
        if (header.All(h => h.Length == 0))
            throw new SearchLogFormatException(path, 1, null, "empty file, expected a header line");
        Header = header;
        _headerCount = header.Length;

        _ordinals = new int[source.Columns.Count];
        _chars = new char[source.Columns.Count][];
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
            _chars[c] = new char[64];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Read()
    {
        do
        {
            if (!NextLine()) return false;
        } while (_lineLength == 0);
        Problem = null; ProblemDetail = null;
        var quoting = SplitFields();
        if (quoting != null)
        {
            Problem = RejectReason.MalformedLine;
            ProblemDetail = "bad quoting: " + quoting;
        }
        else if (_fieldCount != _headerCount)
        {
            Problem = RejectReason.MalformedLine;
            ProblemDetail = $"expected {_headerCount} fields, found {_fieldCount}";
        }
        else if (!Utf8.IsValid(Line))
        {
            Problem = RejectReason.InvalidUtf8;
            ProblemDetail = "bytes that are not UTF-8 (shown as U+FFFD in raw_line)";
        }
        return true;
    }

    private ReadOnlySpan<byte> Line => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>The record as it appeared in the file, without its line end (invalid bytes shown as U+FFFD).</summary>
    public string RawLine => Encoding.UTF8.GetString(Line);

    /// <summary>Required field <paramref name="column"/> (index into <see cref="RawLogSource.Columns"/>); "" when the
    /// record is too short to have it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Field(int column)
    {
        var i = _ordinals[column];
        return i < _fieldCount ? Encoding.UTF8.GetString(FieldBytes(i)) : "";
    }

    /// <summary>The same as <see cref="Field"/> without allocating; valid until the next <see cref="Read"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<char> FieldSpan(int column)
    {
        var i = _ordinals[column];
        if (i >= _fieldCount) return default;
        var bytes = FieldBytes(i);
        ref var chars = ref _chars[column];
        if (chars.Length < bytes.Length) chars = new char[Math.Max(bytes.Length, chars.Length * 2)];
        return chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
    }

    /// <summary>The raw UTF-8 bytes of required field <paramref name="column"/>; valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> FieldUtf8(int column)
    {
        var i = _ordinals[column];
        return i < _fieldCount ? FieldBytes(i) : default;
    }

    /// <summary><see cref="FieldUtf8"/> trimmed as <see cref="string.Trim()"/> trims the decoded text.</summary>
    public ReadOnlySpan<byte> FieldUtf8Trimmed(int column)
    {
        var b = FieldUtf8(column);
        int s = 0, e = b.Length;
        while (s < e && b[s] < 0x80 && char.IsWhiteSpace((char)b[s])) s++;
        while (e > s && b[e - 1] < 0x80 && char.IsWhiteSpace((char)b[e - 1])) e--;
        // A non-ASCII end may be Unicode white space (a no-break space): trim the decoded text then.
        if (s < e && (b[s] >= 0x80 || b[e - 1] >= 0x80)) return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(b[s..e]).Trim());
        return b[s..e];
    }

    private ReadOnlySpan<byte> FieldBytes(int i) =>
        (_fromUnquoted ? _unquoted : _buffer).AsSpan(_fieldStart[i], _fieldLength[i]);

    /// <summary>Moves to the next physical line; false at the end of the file.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool NextLine()
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                SetLine(_pos, newline);
                _pos += newline + 1;
                return true;
            }
            if (_eof)
            {
                if (_pos == _end) return false;
                SetLine(_pos, _end - _pos);
                _pos = _end;
                return true;
            }
            // Keep the partial line: move it to the front (or grow for a very long line), then read more.
            var rest = _end - _pos;
            if (rest == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, rest);
            (_pos, _end) = (0, rest);
            Fill();
        }
    }

    private void SetLine(int start, int length)
    {
        if (length > 0 && _buffer[start + length - 1] == '\r') length--;
        (_lineStart, _lineLength) = (start, length);
        LineNumber = _nextLine++;
    }

    private void Fill()
    {
        while (_end < _buffer.Length)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) { _eof = true; return; }
            _end += n;
        }
    }

    /// <summary>Splits the current line into fields; null, or why its quoting is broken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? SplitFields()
    {
        var line = Line;
        _fieldCount = 0;
        _fromUnquoted = false;
        if (line.IndexOf((byte)'"') < 0)
        {
            var at = 0;
            while (true)
            {
                var comma = line[at..].IndexOf((byte)',');
                if (comma < 0) { AddField(_lineStart + at, line.Length - at); return null; }
                AddField(_lineStart + at, comma);
                at += comma + 1;
            }
        }
        return SplitQuoted(line);
    }

    /// <summary>RFC 4180 within one line: a field is either unquoted (no quote in it) or wholly quoted, with "" for a
    /// quote; fields are copied unescaped into a scratch buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? SplitQuoted(ReadOnlySpan<byte> line)
    {
        _fromUnquoted = true;
        if (_unquoted.Length < line.Length) _unquoted = new byte[Math.Max(line.Length, _unquoted.Length * 2)];
        var o = 0;
        var i = 0;
        while (true)
        {
            var start = o;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length) return "a quoted field is not closed on its line";
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { _unquoted[o++] = (byte)'"'; i += 2; continue; }
                        i++;
                        break;
                    }
                    _unquoted[o++] = line[i++];
                }
                AddField(start, o - start);
                if (i == line.Length) return null;
                if (line[i] != ',') return "text after a closing quote";
                i++;
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    if (line[i] == '"') return "a quote inside an unquoted field";
                    _unquoted[o++] = line[i++];
                }
                AddField(start, o - start);
                if (i == line.Length) return null;
                i++;
            }
        }
    }

    private void AddField(int start, int length)
    {
        if (_fieldCount == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, _fieldCount * 2);
            Array.Resize(ref _fieldLength, _fieldCount * 2);
        }
        _fieldStart[_fieldCount] = start;
        _fieldLength[_fieldCount++] = length;
    }

    /// <summary>A record count for sizing arrays: the file length over the mean line length of its first and last
    /// 256 KB (lines get longer down the file as the index column gains digits), plus 1%.</summary>
    public static long EstimateRecords(string path)
    {
        using var f = File.OpenRead(path);
        var length = f.Length;
        var sample = (int)Math.Min(length, 1 << 18);
        var buffer = new byte[sample];
        f.ReadExactly(buffer);
        var lines = buffer.AsSpan().Count((byte)'\n');
        if (length > 2L * sample)
        {
            f.Seek(-sample, SeekOrigin.End);
            f.ReadExactly(buffer);
            lines += buffer.AsSpan().Count((byte)'\n');
            sample *= 2;
        }
        return lines == 0 ? 16 : (long)(length / (sample / (double)lines) * 1.01) + 1024;
    }

    public void Dispose() => _stream.Dispose();
}
