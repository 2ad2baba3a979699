namespace Workbook.SearchLogs;

/// <summary>A raw row that cannot be kept, with the reason the loader found.</summary>
internal readonly record struct LoadReject(long Line, string RawLine, string Reason, string Detail);

/// <summary>Turns one CSV record into a typed staging row, or says why it cannot (first problem wins, naming the field).</summary>
internal interface IRawRowParser<TRow>
{
    RawLogSource Source { get; }
    TableSchema StagingSchema { get; }
    bool TryParse(RawLogReader reader, out TRow row, out string reason, out string detail);
    /// <summary>Every column but run_id, which the loader adds afterwards as a constant default (no per-row cost).</summary>
    void Write(StagingWriter writer, in TRow row);
}

internal readonly record struct RequestRow(
    long Line, string SearchId, string Query, long TsMs, int OffsetMinutes, string TsOriginal, long Cuid, long Total,
    NormalizedQuery Normalized);

internal readonly record struct ClickRow(long Line, string SearchId, long TsMs, int OffsetMinutes, string TsOriginal, long Cid, int Position);

internal static class FieldParsing
{
    public static bool Required(RawLogReader r, int column, out string value, ref string reason, ref string detail)
    {
        value = r.Field(column).Trim();
        if (value.Length > 0) return true;
        reason = RejectReason.MissingField;
        detail = $"field '{r.Source.Columns[column]}' is empty";
        return false;
    }

    public static bool Timestamp(RawLogReader r, int column, out string text, out long unixMs, out int offset, ref string reason, ref string detail)
    {
        unixMs = 0; offset = 0;
        if (!Required(r, column, out text, ref reason, ref detail)) return false;
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
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value <= max)
            return true;
        reason = RejectReason.BadNumber;
        detail = $"field '{r.Source.Columns[column]}': '{Clip(text)}' is not a whole number from 0 to {max}";
        return false;
    }

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";
}

internal sealed class RequestParser : IRawRowParser<RequestRow>
{
    // Real query logs repeat their head queries constantly; normalizing each distinct text once saves most of the work.
    private const int CacheLimit = 200_000;
    private readonly Dictionary<string, NormalizedQuery> _cache = new(StringComparer.Ordinal);

    public RawLogSource Source => RawLogSource.Requests;
    public TableSchema StagingSchema => CleanSchema.Request;

    public bool TryParse(RawLogReader r, out RequestRow row, out string reason, out string detail)
    {
        row = default; reason = ""; detail = "";
        if (!FieldParsing.Required(r, 0, out var searchId, ref reason, ref detail)) return false;
        var query = r.Field(1);
        if (!FieldParsing.Timestamp(r, 2, out var ts, out var ms, out var offset, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 3, long.MaxValue, out var cuid, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 4, long.MaxValue, out var total, ref reason, ref detail)) return false;
        if (!_cache.TryGetValue(query, out var normalized))
        {
            normalized = QueryNormalizer.Normalize(query);
            if (_cache.Count < CacheLimit) _cache[query] = normalized;
        }
        row = new RequestRow(r.LineNumber, searchId, query, ms, offset, ts, cuid, total, normalized);
        return true;
    }

    public void Write(StagingWriter w, in RequestRow row)
    {
        w.Text(row.SearchId); w.Text(row.Query); w.Text(LogTimestamp.FormatUtc(row.TsMs)); w.Long(row.Cuid); w.Long(row.Total);
        w.Text(row.TsOriginal); w.Text(LogTimestamp.FormatOffset(row.OffsetMinutes)); w.Long(row.TsMs);
        w.Text(row.Normalized.Text); w.Text(KindName(row.Normalized.Kind)); w.Int(row.Normalized.MojibakeRepaired ? 1 : 0);
        w.Long(row.Line);
        w.EndRow();
    }

    private static readonly string[] KindNames = Enum.GetNames<QueryKind>();
    private static string KindName(QueryKind k) => KindNames[(int)k];
}

internal sealed class ClickParser : IRawRowParser<ClickRow>
{
    public RawLogSource Source => RawLogSource.Clicks;
    /// <summary>The clean click layout; <c>seconds_after_request</c> stays NULL until the link step.</summary>
    public TableSchema StagingSchema { get; } = CleanSchema.Click.As("stg_click", "seconds_after_request");

    public bool TryParse(RawLogReader r, out ClickRow row, out string reason, out string detail)
    {
        row = default; reason = ""; detail = "";
        if (!FieldParsing.Required(r, 0, out var searchId, ref reason, ref detail)) return false;
        if (!FieldParsing.Timestamp(r, 1, out var ts, out var ms, out var offset, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 2, long.MaxValue, out var cid, ref reason, ref detail)) return false;
        if (!FieldParsing.Count(r, 3, int.MaxValue, out var position, ref reason, ref detail)) return false;
        row = new ClickRow(r.LineNumber, searchId, ms, offset, ts, cid, (int)position);
        return true;
    }

    public void Write(StagingWriter w, in ClickRow row)
    {
        w.Text(row.SearchId); w.Text(LogTimestamp.FormatUtc(row.TsMs)); w.Long(row.Cid); w.Int(row.Position);
        w.Text(row.TsOriginal); w.Text(LogTimestamp.FormatOffset(row.OffsetMinutes)); w.Long(row.TsMs);
        w.Real(null); w.Long(row.Line);
        w.EndRow();
    }
}
