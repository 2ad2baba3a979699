using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Workbook.Products.Ranking;

/// <summary>Where one field sits in a line (byte offsets), so ids and inputs can be echoed byte for byte.</summary>
internal readonly record struct FieldSpan(int Start, int Length)
{
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);
}

/// <summary>One parsed line of a scoring file: field positions and the values.</summary>
internal readonly record struct ScoringLine(FieldSpan ProductId, FieldSpan CategoryId, FieldSpan Cpc, FieldSpan Clicks, FieldSpan Views,
    double CpcValue, long ClicksValue, long ImpressionsValue, bool ViewsMissing);

/// <summary>
/// The column layout of a <c>product_scoring.csv</c> header and the parse of one UTF-8 line against it
/// (<c>product_id,category_id,cpc,clicks,views</c>; <c>impressions</c> is accepted for <c>views</c>, columns in any order,
/// extra columns ignored). Works on bytes so the 10-million-row benchmark never decodes to UTF-16; thread-safe.
/// </summary>
/// <remarks>
/// Why not CsvHelper here: the file is five unquoted numeric columns, 10 million rows of them parsed in seconds; a
/// byte split is several times faster than a general CSV reader. A quote in a line is not guessed at: the row is
/// rejected with that reason.
/// </remarks>
internal sealed class ScoringLineParser
{
    private readonly int _id, _category, _cpc, _clicks, _views, _columns;

    public const string CanonicalHeader = "product_id,category_id,cpc,clicks,views";

    /// <summary>
    /// The largest cost per click taken as real. The file's CPCs are 0-2.6; a 1e308 once ranked first with a score of
    /// 4e306. A row above this is rejected with its value, not capped: a CPC a thousand times too high is a unit or
    /// data error whose true value nobody knows.
    /// </summary>
    public const double MaxCpc = 1_000;

    /// <exception cref="InvalidDataException">Empty file or a required column missing (the message names file and column).</exception>
    public ScoringLineParser(string path, byte[]? headerUtf8)
    {
        if (headerUtf8 is null)
            throw new InvalidDataException($"{path}:1: empty file, expected header {CanonicalHeader}");
        var header = Encoding.UTF8.GetString(headerUtf8);
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
        Canonical = _columns == 5 && (_id, _category, _cpc, _clicks, _views) == (0, 1, 2, 3, 4);
    }

    /// <summary>Whether the header is exactly <see cref="CanonicalHeader"/> (the five columns in that order, no others).</summary>
    public bool Canonical { get; }

    /// <summary>The number of columns the header has (the length <see cref="Split"/> needs).</summary>
    public int Columns => _columns;

    /// <summary>
    /// Splits a line at its commas into <paramref name="fields"/> (at least <paramref name="columns"/> long); returns the
    /// number of fields found, which may be more or fewer than the columns (only the first <paramref name="columns"/>
    /// are kept), and whether the line holds a quote. One pass of 32- and 16-byte compares: a call per comma was a tenth
    /// of the ranker's time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Split(ReadOnlySpan<byte> span, Span<FieldSpan> fields, int columns, out bool quoted)
    {
        int count = 0, start = 0, i = 0, length = span.Length;
        var quotes = 0u;
        ref var r = ref MemoryMarshal.GetReference(span);
        void Comma(int at, Span<FieldSpan> fields)
        {
            if (count < columns) fields[count] = new FieldSpan(start, at - start);
            count++;
            start = at + 1;
        }
        if (Vector256.IsHardwareAccelerated)
            for (; i + 32 <= length; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i);
                quotes |= Vector256.Equals(v, Vector256.Create((byte)'"')).ExtractMostSignificantBits();
                for (var m = Vector256.Equals(v, Vector256.Create((byte)',')).ExtractMostSignificantBits(); m != 0; m &= m - 1)
                    Comma(i + BitOperations.TrailingZeroCount(m), fields);
            }
        if (Vector128.IsHardwareAccelerated && i + 16 <= length)
        {
            var v = Vector128.LoadUnsafe(ref r, (nuint)i);
            quotes |= Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits();
            for (var m = Vector128.Equals(v, Vector128.Create((byte)',')).ExtractMostSignificantBits(); m != 0; m &= m - 1)
                Comma(i + BitOperations.TrailingZeroCount(m), fields);
            i += 16;
        }
        for (; i < length; i++)
        {
            var b = Unsafe.Add(ref r, i);
            if (b == ',') Comma(i, fields);
            else if (b == '"') quotes = 1;
        }
        Comma(length, fields);
        quoted = quotes != 0;
        return count;
    }

    /// <summary>The five fields of a line <see cref="Parse"/> accepted, found again without parsing a number.</summary>
    public (FieldSpan Id, FieldSpan Category, FieldSpan Cpc, FieldSpan Clicks, FieldSpan Views) Fields(ReadOnlySpan<byte> span)
    {
        Span<FieldSpan> fields = stackalloc FieldSpan[_columns];
        Split(span, fields, _columns, out _);
        return (fields[_id], fields[_category], fields[_cpc], fields[_clicks], fields[_views]);
    }

    /// <summary>Parses one line (no line ending). Returns null and the row, or the rejected field and the reason.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (string Field, string Reason)? Parse(ReadOnlySpan<byte> span, out ScoringLine row)
    {
        row = default;
        Span<FieldSpan> fields = stackalloc FieldSpan[_columns];
        var count = Split(span, fields, _columns, out var quoted);
        if (quoted) return ("line", "quoted fields are not expected in this file");
        if (count != _columns) return ("line", $"expected {_columns} fields, found {count}");

        var id = fields[_id];
        if (Blank(id.Of(span))) return ("product_id", "empty");
        var category = fields[_category];
        if (Blank(category.Of(span))) return ("category_id", "empty");

        var cpcText = fields[_cpc].Of(span);
        if (!(TryParsePlainDecimal(cpcText, out var cpc) || double.TryParse(cpcText, NumberStyles.Float, CultureInfo.InvariantCulture, out cpc)) || !double.IsFinite(cpc))
            return ("cpc", $"'{Text(cpcText)}' is not a number");
        if (cpc < 0) return ("cpc", $"negative ({cpc.ToString(CultureInfo.InvariantCulture)})");
        if (cpc > MaxCpc) return ("cpc", $"{cpc.ToString(CultureInfo.InvariantCulture)} is above the plausible maximum {MaxCpc}");

        var clicksText = fields[_clicks].Of(span);
        if (!TryCount(clicksText, out var clicks))
            return ("clicks", $"'{Text(clicksText)}' is not a non-negative whole number");

        var viewsText = TrimSpaces(fields[_views].Of(span));
        long views = 0;
        var missing = viewsText.Length == 0;
        if (missing)
        {
            // Empty views always come with 0 clicks in the real file; a click without exposure is contradictory.
            if (clicks > 0) return ("views", $"empty but clicks = {clicks}");
        }
        else if (!TryCount(viewsText, out views))
            return ("views", $"'{Text(viewsText)}' is not a non-negative whole number");
        if (clicks > views && !missing) return ("clicks", $"{clicks} clicks exceed {views} views");

        row = new ScoringLine(id, category, fields[_cpc], fields[_clicks], fields[_views], cpc, clicks, views, missing);
        return null;
    }

    private static string Text(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);

    private static bool Blank(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
            if (b != ' ') return false;
        return true;
    }

    /// <summary>Without surrounding spaces (the common case, none, costs two compares).</summary>
    internal static ReadOnlySpan<byte> TrimSpaces(ReadOnlySpan<byte> s) => s.Length > 0 && (s[0] == ' ' || s[^1] == ' ') ? s.Trim((byte)' ') : s;

    private static readonly ulong[] Pow10 = Enumerable.Range(0, 20).Select(k => (ulong)Math.Pow(10, k)).ToArray();

    /// <summary>
    /// double.TryParse's value of a plain decimal (digits with at most one point, at most 19 digits), found without the
    /// general parser, which was a third of the first pass's time: w / 10^k in doubles is within an ulp of the correctly
    /// rounded value, and is moved to it by checking exactly, in 128-bit integers, that the decimal lies strictly between
    /// the candidate's two half-ulp neighbours. Returns false (the caller uses double.TryParse) for any other text, and
    /// where the check cannot decide simply: a tie, a power of two, a value outside [2^-62, 2^53].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryParsePlainDecimal(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        ulong w = 0;
        int digits = 0, fraction = -1;
        foreach (var c in s)
        {
            if ((uint)(c - '0') <= 9)
            {
                if (++digits > 19) return false;
                w = w * 10 + (uint)(c - '0');
                if (fraction >= 0) fraction++;
            }
            else if (c == '.' && fraction < 0) fraction = 0;
            else return false;
        }
        if (digits == 0) return false;
        if (w == 0) return true;
        var d = Pow10[Math.Max(fraction, 0)];
        var x = (double)w / d;
        if (w <= 1UL << 53) // both exact, so one rounding: the correctly rounded quotient
        {
            value = x;
            return true;
        }
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var bits = BitConverter.DoubleToUInt64Bits(x);
            var exponent = (int)(bits >> 52) & 0x7FF;
            var m = (bits & ((1UL << 52) - 1)) | (1UL << 52);
            var shift = 1 - (exponent - 1075); // x = m 2^(exponent - 1075)
            if (exponent == 0 || m == 1UL << 52 || shift < 0 || shift > 63) return false;
            // x is the correctly rounded w/d iff (2m - 1) d < w 2^shift < (2m + 1) d.
            var twice = (UInt128)w << shift;
            var below = (UInt128)(2 * m - 1) * d;
            var above = (UInt128)(2 * m + 1) * d;
            if (twice < below) x = Math.BitDecrement(x);
            else if (twice > above) x = Math.BitIncrement(x);
            else if (twice == below || twice == above) return false;
            else
            {
                value = x;
                return true;
            }
        }
        return false;
    }

    // Counts arrive as "12.0" (the file was written from floats); anything fractional or negative is an error.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryCount(ReadOnlySpan<byte> s, out long value)
    {
        // Fast path for the file's own shape, digits optionally followed by ".0"; anything else takes the general path.
        var digits = 0;
        long v = 0;
        while (digits < s.Length && digits < 15 && (uint)(s[digits] - '0') <= 9) v = v * 10 + (s[digits++] - '0');
        var rest = s[digits..];
        if (digits > 0 && (rest.Length == 0 || (rest[0] == '.' && rest[1..].IndexOfAnyExcept((byte)'0') < 0)))
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
}
