using System.Runtime.CompilerServices;
using System.Globalization;

namespace Workbook.SearchLogs;

/// <summary>The fields of a request the cleaning rules decide on, parsed without allocating.</summary>
internal readonly record struct RequestKeys(SearchIdKey Id, long TsMs, int OffsetMinutes, long Cuid, long Total);

/// <summary>The fields of a click the cleaning rules decide on, parsed without allocating.</summary>
internal readonly record struct ClickKeys(SearchIdKey Id, long TsMs, int OffsetMinutes, long Cid, int Position);

/// <summary>A clean request ready to write: text values are slices of the batch's UTF-8 arena.</summary>
internal readonly record struct RequestRow(
    long Line, TextRef SearchId, TextRef Query, TextRef TsUtc, long TsMs, int OffsetMinutes, TextRef TsOriginal, long Cuid, long Total,
    NormalizedText? Normalized);

/// <summary>A clean click ready to write (see <see cref="RequestRow"/>).</summary>
internal readonly record struct ClickRow(
    long Line, TextRef SearchId, TextRef TsUtc, long TsMs, int OffsetMinutes, TextRef TsOriginal, long Cid, int Position, long MsAfterRequest);

/// <summary>A normalized query with its text and kind as UTF-8, cached per distinct raw query.</summary>
internal sealed record NormalizedText(byte[] Text, byte[] Kind, bool MojibakeRepaired);

/// <summary>
/// Field rules shared by the index pass and the write pass, so both accept and reject exactly the same rows: a
/// required field must not be empty once trimmed; a timestamp needs a UTC offset; ids, counts and positions are
/// non-negative whole numbers. The first problem wins and names the field.
/// </summary>
internal static class FieldParsing
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Required(RawLogReader r, int column, out ReadOnlySpan<char> value, ref string reason, ref string detail)
    {
        value = r.FieldSpan(column).Trim();
        if (value.Length > 0) return true;
        reason = RejectReason.MissingField;
        detail = $"field '{r.Source.Columns[column]}' is empty";
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Timestamp(RawLogReader r, int column, out long unixMs, out int offset, ref string reason, ref string detail)
    {
        unixMs = 0; offset = 0;
        if (!Required(r, column, out var text, ref reason, ref detail)) return false;
        var why = LogTimestamp.TryParse(text, out unixMs, out offset);
        if (why == null) return true;
        reason = RejectReason.BadTimestamp;
        detail = $"field '{r.Source.Columns[column]}': {why} ('{Clip(text)}')";
        return false;
    }

    /// <summary>A non-negative whole number (ids, counts and positions); "12.0", "-3", "1e5" and "abc" are not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Count(RawLogReader r, int column, long max, out long value, ref string reason, ref string detail)
    {
        value = 0;
        if (!Required(r, column, out var text, ref reason, ref detail)) return false;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max)
            return true;
        reason = RejectReason.BadNumber;
        detail = $"field '{r.Source.Columns[column]}': '{Clip(text)}' is not a whole number from 0 to {max}";
        return false;
    }

    private static string Clip(ReadOnlySpan<char> s) => s.Length <= 60 ? s.ToString() : string.Concat(s[..57], "...");
}

/// <summary>Requests: <c>search_id, search_query, ts, cuid, total</c>.</summary>
internal sealed class RequestParser
{
    // Real query logs repeat their head queries constantly; normalizing each distinct text once saves most of the work.
    private const int CacheLimit = 200_000;
    private readonly Dictionary<string, NormalizedText> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NormalizedText>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private static readonly byte[][] KindNames = Enum.GetNames<QueryKind>().Select(System.Text.Encoding.UTF8.GetBytes).ToArray();

    private static readonly byte[] SearchKind = KindNames[(int)QueryKind.Search];

    public RequestParser() => _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryKeys(RawLogReader r, out RequestKeys keys, out string reason, out string detail)
    {
        keys = default; reason = ""; detail = "";
        if (!FieldParsing.Required(r, 0, out var id, ref reason, ref detail)) return false;
        if (!FieldParsing.Timestamp(r, 2, out var ms, out var offset, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 3, long.MaxValue, out var cuid, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 4, long.MaxValue, out var total, ref reason, ref detail)) return false;
        keys = new RequestKeys(SearchIdKey.Of(id), ms, offset, cuid, total);
        return true;
    }

    /// <summary>The full row, for a record whose <see cref="TryKeys"/> succeeded, its text appended to the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RequestRow Row<TRow>(RawLogReader r, in RequestKeys k, RowBatch<TRow> batch)
    {
        NormalizedText? normalized = null; // null: the query is already normal (most are)
        if (!QueryNormalizer.IsAlreadyNormal(r.FieldUtf8(1)))
        {
            var query = r.FieldSpan(1);
            if (!_lookup.TryGetValue(query, out normalized))
            {
                var n = QueryNormalizer.Normalize(query.ToString());
                normalized = new NormalizedText(System.Text.Encoding.UTF8.GetBytes(n.Text), KindNames[(int)n.Kind], n.MojibakeRepaired);
                if (_cache.Count < CacheLimit) _lookup[query] = normalized;
            }
        }
        return new RequestRow(r.LineNumber, batch.Append(r.FieldUtf8Trimmed(0)), batch.Append(r.FieldUtf8(1)), batch.AppendUtc(k.TsMs), k.TsMs,
            k.OffsetMinutes, batch.Append(r.FieldUtf8Trimmed(2)), k.Cuid, k.Total, normalized);
    }

    /// <summary>Every column but run_id, which the writer adds afterwards as a constant default (no per-row cost).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(StagingWriter w, byte[] text, in RequestRow row)
    {
        w.Utf8(text, row.SearchId); w.Utf8(text, row.Query); w.Utf8(text, row.TsUtc); w.Long(row.Cuid); w.Long(row.Total);
        w.Utf8(text, row.TsOriginal); w.Utf8(LogTimestamp.FormatOffsetUtf8(row.OffsetMinutes)); w.Long(row.TsMs);
        if (row.Normalized is { } n) { w.Utf8(n.Text); w.Utf8(n.Kind); w.Int(n.MojibakeRepaired ? 1 : 0); }
        else { w.Utf8(text, row.Query); w.Utf8(SearchKind); w.Int(0); }
        w.Long(row.Line);
        w.EndRow();
    }
}

/// <summary>Clicks: <c>search_id, ts, cid, position</c>.</summary>
internal static class ClickParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryKeys(RawLogReader r, out ClickKeys keys, out string reason, out string detail)
    {
        keys = default; reason = ""; detail = "";
        if (!FieldParsing.Required(r, 0, out var id, ref reason, ref detail)) return false;
        if (!FieldParsing.Timestamp(r, 1, out var ms, out var offset, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 2, long.MaxValue, out var cid, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 3, int.MaxValue, out var position, ref reason, ref detail)) return false;
        keys = new ClickKeys(SearchIdKey.Of(id), ms, offset, cid, (int)position);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ClickRow Row<TRow>(RawLogReader r, in ClickKeys k, long msAfterRequest, RowBatch<TRow> batch) =>
        new(r.LineNumber, batch.Append(r.FieldUtf8Trimmed(0)), batch.AppendUtc(k.TsMs), k.TsMs, k.OffsetMinutes, batch.Append(r.FieldUtf8Trimmed(1)),
            k.Cid, k.Position, msAfterRequest);

    /// <summary>Every column but run_id (see <see cref="RequestParser.Write"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(StagingWriter w, byte[] text, in ClickRow row)
    {
        w.Utf8(text, row.SearchId); w.Utf8(text, row.TsUtc); w.Long(row.Cid); w.Int(row.Position);
        w.Utf8(text, row.TsOriginal); w.Utf8(LogTimestamp.FormatOffsetUtf8(row.OffsetMinutes)); w.Long(row.TsMs);
        w.Real(row.MsAfterRequest / 1000.0); w.Long(row.Line);
        w.EndRow();
    }
}
