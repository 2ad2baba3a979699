using System.Globalization;
using Workbook.Reports;

namespace Workbook.Products.Ranking;

/// <summary>One parsed line: the line text plus where each field sits in it, so ids and inputs can be echoed byte for byte.</summary>
public readonly record struct ProductScoringRow(
    string Text, long Line, Range ProductId, Range CategoryId, Range Cpc, Range Clicks, Range Views,
    double CpcValue, long ClicksValue, long ImpressionsValue, bool ViewsMissing)
{
    public ProductStats ToStats() => new(
        Text[ProductId], Text[CategoryId], CpcValue, ClicksValue, ImpressionsValue, ViewsMissing);
}

/// <summary>
/// Streams <c>product_scoring.csv</c> (<c>product_id,category_id,cpc,clicks,views</c>; <c>impressions</c> is accepted for
/// <c>views</c>, columns in any order, extra columns ignored). Every row is either a <see cref="ProductScoringRow"/> or a
/// <see cref="ProductScoringReject"/> naming file, line and field.
/// </summary>
/// <remarks>
/// Why not CsvHelper here: the file is five unquoted numeric columns and the benchmark streams 10 million rows two or
/// three times under 10 s; a span split is several times faster than a general CSV reader. A quote in a line is not
/// guessed at: the row is rejected with that reason.
/// </remarks>
public sealed class ProductScoringReader : IDisposable
{
    private readonly StreamReader _reader;
    private readonly string _file;
    private readonly int _id, _category, _cpc, _clicks, _views, _columns;
    private long _line = 1;

    public string File => _file;

    /// <summary>Opens <paramref name="path"/>, records it in <see cref="DataLineage"/> and reads the header.</summary>
    /// <exception cref="InvalidDataException">The header lacks a required column (message names file and column).</exception>
    public ProductScoringReader(string path)
    {
        _file = path;
        DataLineage.Record(path);
        _reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var header = _reader.ReadLine()
            ?? throw new InvalidDataException($"{path}:1: empty file, expected header product_id,category_id,cpc,clicks,views");
        var names = header.Split(',').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        _columns = names.Length;
        int Find(params string[] aliases)
        {
            foreach (var a in aliases)
            {
                var i = Array.IndexOf(names, a);
                if (i >= 0) return i;
            }
            throw new InvalidDataException($"{path}:1: header has no '{aliases[0]}' column (found: {header})");
        }
        _id = Find("product_id");
        _category = Find("category_id");
        _cpc = Find("cpc");
        _clicks = Find("clicks");
        _views = Find("views", "impressions");
    }

    /// <summary>The header as it should be echoed: the five fields in canonical order.</summary>
    public static string CanonicalHeader => "product_id,category_id,cpc,clicks,views";

    /// <summary>Reads the next non-empty line; false at end of file. Exactly one of row / reject is set when true.</summary>
    public bool Next(out ProductScoringRow row, out ProductScoringReject? reject)
    {
        row = default;
        reject = null;
        string? text;
        do
        {
            text = _reader.ReadLine();
            _line++;
            if (text is null) return false;
        } while (text.Length == 0);
        reject = Parse(text, _line, out row);
        return true;
    }

    private ProductScoringReject? Parse(string text, long line, out ProductScoringRow row)
    {
        row = default;
        Span<Range> ranges = stackalloc Range[Math.Max(_columns, 5) + 1];
        var span = text.AsSpan();
        if (span.IndexOf('"') >= 0) return Reject(line, "line", "quoted fields are not expected in this file", text);
        var count = span.Split(ranges, ',');
        if (count != _columns) return Reject(line, "line", $"expected {_columns} fields, found {count}", text);

        var id = ranges[_id];
        if (span[id].Trim().Length == 0) return Reject(line, "product_id", "empty", text);
        var category = ranges[_category];
        if (span[category].Trim().Length == 0) return Reject(line, "category_id", "empty", text);

        if (!double.TryParse(span[ranges[_cpc]], NumberStyles.Float, CultureInfo.InvariantCulture, out var cpc)
            || !double.IsFinite(cpc))
            return Reject(line, "cpc", $"'{span[ranges[_cpc]]}' is not a number", text);
        if (cpc < 0) return Reject(line, "cpc", $"negative ({cpc.ToString(CultureInfo.InvariantCulture)})", text);

        if (!TryCount(span[ranges[_clicks]], out var clicks))
            return Reject(line, "clicks", $"'{span[ranges[_clicks]]}' is not a non-negative whole number", text);

        var viewsText = span[ranges[_views]].Trim();
        long views = 0;
        var missing = viewsText.Length == 0;
        if (missing)
        {
            // Empty views always come with 0 clicks in the real file; a click without exposure is contradictory.
            if (clicks > 0) return Reject(line, "views", $"empty but clicks = {clicks}", text);
        }
        else if (!TryCount(viewsText, out views))
            return Reject(line, "views", $"'{viewsText}' is not a non-negative whole number", text);
        if (clicks > views && !missing) return Reject(line, "clicks", $"{clicks} clicks exceed {views} views", text);

        row = new ProductScoringRow(text, line, id, category, ranges[_cpc], ranges[_clicks], ranges[_views],
            cpc, clicks, views, missing);
        return null;
    }

    // Counts arrive as "12.0" (the file was written from floats); anything fractional or negative is an error.
    private static bool TryCount(ReadOnlySpan<char> s, out long value)
    {
        // Fast path for the file's own shape, digits optionally followed by ".0": a general double parse of every
        // count was a measurable share of the 10-million-row benchmark. Anything else takes the general path.
        var digits = 0;
        long v = 0;
        while (digits < s.Length && digits < 15 && (uint)(s[digits] - '0') <= 9) v = v * 10 + (s[digits++] - '0');
        var rest = s[digits..];
        if (digits > 0 && (rest.Length == 0 || (rest[0] == '.' && rest[1..].IndexOfAnyExcept('0') < 0)))
        {
            value = v;
            return true;
        }
        value = 0;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return false;
        if (!double.IsFinite(d) || d < 0 || d != Math.Floor(d) || d > 1e15) return false;
        value = (long)d;
        return true;
    }

    private ProductScoringReject Reject(long line, string field, string reason, string text) =>
        new(_file, line, field, reason, text);

    public void Dispose() => _reader.Dispose();
}
