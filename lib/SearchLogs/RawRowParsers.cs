using System.Globalization;

namespace Workbook.SearchLogs;

/// <summary>The fields of a request the cleaning rules decide on, parsed without allocating.</summary>
internal readonly record struct RequestKeys(SearchIdKey Id, long TsMs, int OffsetMinutes, long Cuid, long Total);

/// <summary>The fields of a click the cleaning rules decide on, parsed without allocating.</summary>
internal readonly record struct ClickKeys(SearchIdKey Id, long TsMs, int OffsetMinutes, long Cid, int Position);

internal readonly record struct RequestRow(
    long Line, string SearchId, string Query, long TsMs, int OffsetMinutes, string TsOriginal, long Cuid, long Total,
    NormalizedQuery Normalized);

internal readonly record struct ClickRow(
    long Line, string SearchId, long TsMs, int OffsetMinutes, string TsOriginal, long Cid, int Position, long MsAfterRequest);

/// <summary>
/// Field rules shared by the index pass and the write pass, so both accept and reject exactly the same rows: a
/// required field must not be empty once trimmed; a timestamp needs a UTC offset; ids, counts and positions are
/// non-negative whole numbers. The first problem wins and names the field.
/// </summary>
internal static class FieldParsing
{
    public static bool Required(RawLogReader r, int column, out ReadOnlySpan<char> value, ref string reason, ref string detail)
    {
        value = r.FieldSpan(column).Trim();
        if (value.Length > 0) return true;
        reason = RejectReason.MissingField;
        detail = $"field '{r.Source.Columns[column]}' is empty";
        return false;
    }

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
    private readonly Dictionary<string, NormalizedQuery> _cache = new(StringComparer.Ordinal);

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

    /// <summary>The full row, for a record whose <see cref="TryKeys"/> succeeded.</summary>
    public RequestRow Row(RawLogReader r, in RequestKeys k, bool normalize = true)
    {
        var query = r.Field(1);
        NormalizedQuery? normalized = null;
        if (normalize && !_cache.TryGetValue(query, out normalized))
        {
            normalized = QueryNormalizer.Normalize(query);
            if (_cache.Count < CacheLimit) _cache[query] = normalized;
        }
        return new RequestRow(r.LineNumber, r.FieldSpan(0).Trim().ToString(), query, k.TsMs, k.OffsetMinutes, r.FieldSpan(2).Trim().ToString(),
            k.Cuid, k.Total, normalized!);
    }

    /// <summary>Every column but run_id, which the writer adds afterwards as a constant default (no per-row cost).</summary>
    public static void Write(StagingWriter w, in RequestRow row)
    {
        w.Text(row.SearchId); w.Text(row.Query); w.Text(LogTimestamp.FormatUtc(row.TsMs)); w.Long(row.Cuid); w.Long(row.Total);
        w.Text(row.TsOriginal); w.Text(LogTimestamp.FormatOffset(row.OffsetMinutes)); w.Long(row.TsMs);
        w.Text(row.Normalized.Text); w.Text(KindNames[(int)row.Normalized.Kind]); w.Int(row.Normalized.MojibakeRepaired ? 1 : 0);
        w.Long(row.Line);
        w.EndRow();
    }

    private static readonly string[] KindNames = Enum.GetNames<QueryKind>();
}

/// <summary>Clicks: <c>search_id, ts, cid, position</c>.</summary>
internal static class ClickParser
{
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

    public static ClickRow Row(RawLogReader r, in ClickKeys k, long msAfterRequest) =>
        new(r.LineNumber, r.FieldSpan(0).Trim().ToString(), k.TsMs, k.OffsetMinutes, r.FieldSpan(1).Trim().ToString(), k.Cid, k.Position,
            msAfterRequest);

    /// <summary>Every column but run_id (see <see cref="RequestParser.Write"/>).</summary>
    public static void Write(StagingWriter w, in ClickRow row)
    {
        w.Text(row.SearchId); w.Text(LogTimestamp.FormatUtc(row.TsMs)); w.Long(row.Cid); w.Int(row.Position);
        w.Text(row.TsOriginal); w.Text(LogTimestamp.FormatOffset(row.OffsetMinutes)); w.Long(row.TsMs);
        w.Real(row.MsAfterRequest / 1000.0); w.Long(row.Line);
        w.EndRow();
    }
}
