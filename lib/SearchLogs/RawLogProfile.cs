using System.Text.RegularExpressions;

namespace Workbook.SearchLogs;

internal sealed record RawRequest(long Line, string SearchId, string Query, string Ts, long? TsMs, int Offset, string Cuid, string Total);
internal sealed record RawClick(long Line, string SearchId, string Ts, long? TsMs, int Offset, string Cid, string Position);

internal sealed record TimestampShape(string Source, string Shape, int Rows, string Example);
internal sealed record OffsetCount(string Offset, int Requests, int Clicks);
internal sealed record DuplicateRequestGroup(string SearchId, int Copies, string FieldsThatDiffer, int Clicks, string CopiesTs, string AnchoredCopy, double AnchoredDelaySeconds, double OtherCopiesMedianDays);
internal sealed record RepeatedClickGroup(string SearchId, string Cid, string Position, int Rows, int DistinctInstants, double SpanSeconds);
internal sealed record RuleOutcome(string Rule, int ClicksBeforeTheirRequest, int ClicksOverADayAfter, int ClicksLinked);
internal sealed record QueryKindCount(string Kind, int Queries, string Examples);

/// <summary>
/// Exploration of the raw logs for notebook 04: reads both files whole (they are small; the pipeline itself
/// streams) and measures what the cleaning rules are built on: timestamp shapes and offsets, how duplicates
/// differ, which duplicate the clicks point to, repeated clicks, orphans, click delays and odd queries.
/// </summary>
internal sealed partial class RawLogProfile
{
    public IReadOnlyList<RawRequest> Requests { get; }
    public IReadOnlyList<RawClick> Clicks { get; }

    private RawLogProfile(IReadOnlyList<RawRequest> requests, IReadOnlyList<RawClick> clicks) => (Requests, Clicks) = (requests, clicks);

    public static RawLogProfile Load(string folder)
    {
        var requests = new List<RawRequest>();
        using (var r = new RawLogReader(Path.Combine(folder, RawLogSource.Requests.FileName), RawLogSource.Requests))
            while (r.Read())
            {
                var ok = LogTimestamp.TryParse(r.Field(2), out var ms, out var off) == null;
                requests.Add(new RawRequest(r.LineNumber, r.Field(0), r.Field(1), r.Field(2), ok ? ms : null, off, r.Field(3), r.Field(4)));
            }
        var clicks = new List<RawClick>();
        using (var r = new RawLogReader(Path.Combine(folder, RawLogSource.Clicks.FileName), RawLogSource.Clicks))
            while (r.Read())
            {
                var ok = LogTimestamp.TryParse(r.Field(1), out var ms, out var off) == null;
                clicks.Add(new RawClick(r.LineNumber, r.Field(0), r.Field(1), ok ? ms : null, off, r.Field(2), r.Field(3)));
            }
        return new RawLogProfile(requests, clicks);
    }

    [GeneratedRegex(@"\d")]
    private static partial Regex Digit();

    public IReadOnlyList<TimestampShape> TimestampShapes() =>
        Requests.Select(r => ("search_request", r.Ts)).Concat(Clicks.Select(c => ("search_result_interaction", c.Ts)))
            .GroupBy(x => (x.Item1, Shape: Digit().Replace(x.Item2, "9")))
            .Select(g => new TimestampShape(g.Key.Item1, g.Key.Shape, g.Count(), g.First().Item2))
            .OrderBy(s => s.Source).ThenByDescending(s => s.Rows).ToList();

    public IReadOnlyList<OffsetCount> Offsets()
    {
        var req = Requests.GroupBy(r => r.Offset).ToDictionary(g => g.Key, g => g.Count());
        var clk = Clicks.GroupBy(c => c.Offset).ToDictionary(g => g.Key, g => g.Count());
        return req.Keys.Union(clk.Keys).OrderByDescending(k => req.GetValueOrDefault(k) + clk.GetValueOrDefault(k))
            .Select(k => new OffsetCount(LogTimestamp.FormatOffset(k), req.GetValueOrDefault(k), clk.GetValueOrDefault(k))).ToList();
    }

    private ILookup<string, RawClick> ClicksBySearch => _clicksBySearch ??= Clicks.ToLookup(c => c.SearchId);
    private ILookup<string, RawClick>? _clicksBySearch;

    /// <summary>Every search_id logged more than once, with the copy its clicks point to (latest at or before the
    /// first click) and how far the other copies are from that click.</summary>
    public IReadOnlyList<DuplicateRequestGroup> DuplicateRequests() =>
        Requests.GroupBy(r => r.SearchId).Where(g => g.Count() > 1).Select(g =>
        {
            var copies = g.ToList();
            var differ = new[]
            {
                ("search_query", copies.Select(c => c.Query)), ("ts", copies.Select(c => c.TsMs?.ToString() ?? c.Ts)),
                ("cuid", copies.Select(c => c.Cuid)), ("total", copies.Select(c => c.Total)),
            }.Where(f => f.Item2.Distinct().Count() > 1).Select(f => f.Item1);
            var clicks = ClicksBySearch[g.Key].Where(c => c.TsMs != null).ToList();
            var anchored = ""; double delay = double.NaN, others = double.NaN;
            if (clicks.Count > 0)
            {
                var first = clicks.Min(c => c.TsMs!.Value);
                var chosen = copies.Where(c => c.TsMs <= first).MaxBy(c => c.TsMs) ?? copies.MinBy(c => c.TsMs)!;
                anchored = chosen.Ts;
                delay = (first - chosen.TsMs!.Value) / 1000.0;
                var rest = copies.Where(c => c != chosen).Select(c => Math.Abs(first - c.TsMs!.Value) / 86_400_000.0).ToList();
                others = Median.Of(rest, double.NaN);
            }
            return new DuplicateRequestGroup(g.Key, copies.Count, string.Join(" ", differ), clicks.Count,
                string.Join(" | ", copies.Select(c => c.Ts)), anchored, delay, others);
        }).ToList();

    public int ExactDuplicateClicks() =>
        Clicks.GroupBy(c => (c.SearchId, c.Ts, c.Cid, c.Position)).Sum(g => g.Count() - 1);

    /// <summary>Same search, clip and position logged at different instants.</summary>
    public IReadOnlyList<RepeatedClickGroup> RepeatedClicks() =>
        Clicks.GroupBy(c => (c.SearchId, c.Cid, c.Position))
            .Where(g => g.Select(c => c.TsMs).Distinct().Count() > 1)
            .Select(g => new RepeatedClickGroup(g.Key.SearchId, g.Key.Cid, g.Key.Position, g.Count(), g.Select(c => c.TsMs).Distinct().Count(),
                (g.Max(c => c.TsMs!.Value) - g.Min(c => c.TsMs!.Value)) / 1000.0))
            .ToList();

    public int OrphanClicks()
    {
        var ids = Requests.Select(r => r.SearchId).ToHashSet();
        return Clicks.Count(c => !ids.Contains(c.SearchId));
    }

    /// <summary>How many clicks would precede their request under each way of choosing among duplicate requests.</summary>
    public IReadOnlyList<RuleOutcome> DuplicateRules()
    {
        var groups = Requests.Where(r => r.TsMs != null).GroupBy(r => r.SearchId).ToDictionary(g => g.Key, g => g.ToList());
        RuleOutcome Outcome(string name, Func<List<RawRequest>, IReadOnlyList<RawClick>, RawRequest> choose)
        {
            int before = 0, late = 0, linked = 0;
            foreach (var g in ClicksBySearch)
            {
                if (!groups.TryGetValue(g.Key, out var copies)) continue;
                var clicks = g.Where(c => c.TsMs != null).ToList();
                var chosen = choose(copies, clicks);
                foreach (var c in clicks)
                {
                    if (c.TsMs < chosen.TsMs) before++;
                    else linked++;
                    if (c.TsMs - chosen.TsMs > 86_400_000) late++;
                }
            }
            return new RuleOutcome(name, before, late, linked);
        }
        return
        [
            Outcome("first line in the file", (c, _) => c.MinBy(x => x.Line)!),
            Outcome("earliest timestamp", (c, _) => c.MinBy(x => x.TsMs)!),
            Outcome("latest timestamp", (c, _) => c.MaxBy(x => x.TsMs)!),
            Outcome("anchored on the first click (chosen)", (c, k) =>
            {
                var first = k.Count == 0 ? long.MaxValue : k.Min(x => x.TsMs!.Value);
                return c.Where(x => x.TsMs <= first).MaxBy(x => x.TsMs) ?? c.MinBy(x => x.TsMs)!;
            }),
        ];
    }

    /// <summary>Seconds from a request to each of its clicks, for search_ids logged once.</summary>
    public IReadOnlyList<double> ClickDelaysSeconds()
    {
        var single = Requests.GroupBy(r => r.SearchId).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single());
        return Clicks.Where(c => single.ContainsKey(c.SearchId) && c.TsMs != null && single[c.SearchId].TsMs != null)
            .Select(c => (c.TsMs!.Value - single[c.SearchId].TsMs!.Value) / 1000.0).ToList();
    }

    public IReadOnlyList<QueryKindCount> QueryKinds()
    {
        var normalized = Requests.Select(r => (r.Query, N: QueryNormalizer.Normalize(r.Query))).ToList();
        var rows = normalized.GroupBy(x => x.N.Kind.ToString())
            .Select(g => new QueryKindCount(g.Key, g.Count(), string.Join(" · ", g.Select(x => x.Query).Distinct().Take(4)))).ToList();
        var moji = normalized.Where(x => x.N.MojibakeRepaired).ToList();
        rows.Add(new QueryKindCount("(mojibake repaired)", moji.Count, string.Join(" · ", moji.Select(x => $"{x.Query} → {x.N.Text}").Distinct().Take(4))));
        var changed = normalized.Where(x => x.N.Kind == QueryKind.Search && x.N.Text != x.Query).ToList();
        rows.Add(new QueryKindCount("(search text changed by normalization)", changed.Count,
            string.Join(" · ", changed.Select(x => $"{x.Query} → {x.N.Text}").Distinct().Take(5))));
        return rows.OrderByDescending(r => r.Queries).ToList();
    }
}
