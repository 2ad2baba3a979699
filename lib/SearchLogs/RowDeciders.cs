using System.Runtime.CompilerServices;
namespace Workbook.SearchLogs;

/// <summary>
/// Requests in the write pass: unreadable rows are rejected with the reader's or the parser's reason; readable ones
/// are kept or merged as <see cref="Resolution"/> decided. A merged copy is compared field by field with the copy it
/// is merged into (duplicate_request when every field means the same, else conflicting_request naming the fields);
/// when the kept copy comes later in the file, the merged one waits for it (copies are a few percent of the rows).
/// </summary>
internal sealed class RequestDecider(Resolution resolution) : IRowDecider<RequestRow>
{
    /// <summary>The fields a merged copy is compared on, as text: only rows of a search_id logged more than once.</summary>
    private sealed record Copy(long Line, string SearchId, string Query, long TsMs, string TsOriginal, long Cuid, long Total)
    {
        public static Copy Of(RawLogReader r, in RequestKeys k) =>
            new(r.LineNumber, r.FieldSpan(0).Trim().ToString(), r.Field(1), k.TsMs, r.FieldSpan(2).Trim().ToString(), k.Cuid, k.Total);
    }

    private readonly RequestParser _parser = new();
    private readonly Dictionary<int, (Copy Row, int Remaining)> _kept = [];
    private readonly Dictionary<int, List<(Copy Row, string Raw)>> _waiting = [];

    public RawLogSource Source => RawLogSource.Requests;
    public TableSchema Schema { get; } = WithoutRunId(CleanSchema.Request, "stg_request");

    /// <summary>True (and the row rejected) when the reader found the record itself damaged.</summary>
    internal static bool Unreadable<TRow>(RawLogReader r, RowBatch<TRow> batch)
    {
        if (r.Problem == null) return false;
        batch.Rejects.Add(new RejectRow(r.LineNumber, r.RawLine, r.Problem, r.ProblemDetail));
        return true;
    }

    /// <summary><paramref name="parsed"/>; when false the row is rejected with the parser's reason.</summary>
    internal static bool Readable<TRow>(bool parsed, RawLogReader r, RowBatch<TRow> batch, string reason, string detail)
    {
        if (!parsed) batch.Rejects.Add(new RejectRow(r.LineNumber, r.RawLine, reason, detail));
        return parsed;
    }

    internal static TableSchema WithoutRunId(TableSchema s, string name) => new(name, s.Columns.Where(c => c.Name != "run_id").ToList());

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decide(RawLogReader r, RowBatch<RequestRow> batch)
    {
        if (Unreadable(r, batch) || !Readable(RequestParser.TryKeys(r, out var keys, out var reason, out var detail), r, batch, reason, detail)) return;
        var line = (int)r.LineNumber;
        if (resolution.Request(line, out var keptLine, out var copies))
        {
            batch.Add(_parser.Row(r, keys, batch));
            if (copies == 0) return;
            var kept = Copy.Of(r, keys);
            if (_waiting.Remove(line, out var early))
                foreach (var (copy, raw) in early) batch.Rejects.Add(Merged(copy, raw, kept));
            var remaining = copies - (early?.Count ?? 0);
            if (remaining > 0) _kept[line] = (kept, remaining);
            return;
        }
        var merged = Copy.Of(r, keys);
        if (_kept.TryGetValue(keptLine, out var k))
        {
            batch.Rejects.Add(Merged(merged, r.RawLine, k.Row));
            if (k.Remaining == 1) _kept.Remove(keptLine);
            else _kept[keptLine] = (k.Row, k.Remaining - 1);
        }
        else
        {
            if (!_waiting.TryGetValue(keptLine, out var list)) _waiting[keptLine] = list = [];
            list.Add((merged, r.RawLine));
        }
    }

    private static RejectRow Merged(Copy d, string raw, Copy k)
    {
        if (d.SearchId != k.SearchId)
            throw new InvalidOperationException(
                $"search_id key collision: '{d.SearchId}' (line {d.Line}) and '{k.SearchId}' (line {k.Line}) share a 96-bit key; nothing was published");
        var same = d.Query == k.Query && d.TsMs == k.TsMs && d.Cuid == k.Cuid && d.Total == k.Total;
        var detail = same
            ? d.TsOriginal == k.TsOriginal ? "exact copy" : "same instant written differently"
            : "differs in:" + (d.Query != k.Query ? " search_query" : "") + (d.TsMs != k.TsMs ? " ts" : "")
              + (d.Cuid != k.Cuid ? " cuid" : "") + (d.Total != k.Total ? " total" : "");
        return new RejectRow(d.Line, raw, same ? RejectReason.DuplicateRequest : RejectReason.ConflictingRequest, detail, d.SearchId, k.Line);
    }

    public void Finish()
    {
        if (_waiting.Count > 0 || _kept.Count > 0)
            throw new InvalidOperationException(
                $"{_waiting.Count + _kept.Count} request groups were left incomplete: the file changed between the passes");
    }

    public void Write(StagingWriter writer, byte[] text, in RequestRow row) => RequestParser.Write(writer, text, row);
    public long LineOf(in RequestRow row) => row.Line;
}

/// <summary>Clicks in the write pass: unreadable rows are rejected; readable ones are kept, linked to their request,
/// or rejected as <see cref="Resolution"/> decided.</summary>
internal sealed class ClickDecider(Resolution resolution) : IRowDecider<ClickRow>
{
    public RawLogSource Source => RawLogSource.Clicks;
    public TableSchema Schema { get; } = RequestDecider.WithoutRunId(CleanSchema.Click, "stg_click");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decide(RawLogReader r, RowBatch<ClickRow> batch)
    {
        if (RequestDecider.Unreadable(r, batch)
            || !RequestDecider.Readable(ClickParser.TryKeys(r, out var keys, out var reason, out var detail), r, batch, reason, detail)) return;
        var fate = resolution.Click(r.LineNumber, out var refLine, out var ms);
        if (fate == ClickFate.Kept)
        {
            batch.Add(ClickParser.Row(r, keys, ms, batch));
            return;
        }
        var id = r.FieldSpan(0).Trim().ToString();
        batch.Rejects.Add(fate switch
        {
            ClickFate.Orphan => new RejectRow(r.LineNumber, r.RawLine, RejectReason.OrphanClick, "no request with this search_id"),
            ClickFate.BeforeRequest => new RejectRow(r.LineNumber, r.RawLine, RejectReason.ClickBeforeRequest,
                $"{(long)(-ms / 1000.0)} s before its request", id, refLine),
            ClickFate.Duplicate => new RejectRow(r.LineNumber, r.RawLine, RejectReason.DuplicateClick, "same instant as the kept click",
                $"{id}/{keys.Cid}/{keys.Position}", refLine),
            _ => new RejectRow(r.LineNumber, r.RawLine, RejectReason.RepeatedClick, $"{ms / 1000} s after the kept click",
                $"{id}/{keys.Cid}/{keys.Position}", refLine),
        });
    }

    public void Finish() { }
    public void Write(StagingWriter writer, byte[] text, in ClickRow row) => ClickParser.Write(writer, text, row);
    public long LineOf(in ClickRow row) => row.Line;
}
