using System.Runtime.CompilerServices;
namespace Workbook.SearchLogs;

/// <summary>What happens to a readable click (<see cref="Resolution.Click"/>).</summary>
internal enum ClickFate : byte { Unknown = 0, Kept = 1, Orphan = 2, BeforeRequest = 3, Duplicate = 4, Repeated = 5 }

/// <summary>
/// The decision for every readable row, taken from the two sorted indexes alone, stored per line number so the write
/// pass can look each row up as it streams the file again (4 bytes per request line, 8 per click line):
/// <list type="bullet">
/// <item>requests: one per search_id, keeping the copy its clicks point to (the latest at or before the first click),
/// else the earliest; ties go to the earlier line;</item>
/// <item>clicks: one per (search_id, cid, position), the earliest (then the earlier line); a kept click without a
/// request is an orphan, one before its request is rejected, the others are linked to the kept request.</item>
/// </list>
/// </summary>
internal sealed class Resolution
{
    // Requests, by line: the line of the kept copy for a merged row; the row's own line when it is kept alone;
    // minus the number of merged copies when it is kept with copies; 0 for a line the index did not hold.
    private readonly int[] _request;
    // Clicks, by line: fate in the top 4 bits, the line of the row it refers to (kept request or kept click) below;
    // and the milliseconds from that row (fits an int but for clicks 25 days away: those go to _farDelta).
    private readonly int[] _click;
    private readonly int[] _clickDelta;
    private readonly Dictionary<int, long> _farDelta = [];

    public long KeptRequests { get; private set; }
    public long KeptClicks { get; private set; }
    /// <summary>Bytes of the decision arrays (reported by the benchmark).</summary>
    public long Bytes => 4L * _request.Length + 8L * _click.Length;

    private Resolution(int requestLines, int clickLines)
    {
        _request = new int[requestLines + 1];
        _click = new int[clickLines + 1];
        _clickDelta = new int[clickLines + 1];
    }

    /// <summary>For a readable request: kept (with <paramref name="copies"/> merged into it) or merged into <paramref name="keptLine"/>.</summary>
    public bool Request(long line, out int keptLine, out int copies)
    {
        var v = (uint)line < (uint)_request.Length ? _request[line] : 0;
        if (v == 0) throw new InvalidOperationException($"request line {line} was not in the index: the file changed between the passes");
        copies = v < 0 ? -v : 0;
        keptLine = v < 0 ? (int)line : v;
        return keptLine == line;
    }

    /// <summary>For a readable click: its fate, the line it refers to and the milliseconds since that row.</summary>
    public ClickFate Click(long line, out int refLine, out long msAfter)
    {
        var v = (uint)line < (uint)_click.Length ? _click[line] : 0;
        var fate = (ClickFate)((uint)v >> 28);
        if (fate == ClickFate.Unknown) throw new InvalidOperationException($"click line {line} was not in the index: the file changed between the passes");
        refLine = v & LogIndex<ClickEntry>.MaxLines;
        var d = _clickDelta[line];
        msAfter = d == int.MinValue ? _farDelta[(int)line] : d;
        return fate;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Resolution Resolve(LogIndex<RequestEntry> requests, LogIndex<ClickEntry> clicks, CancellationToken ct)
    {
        var res = new Resolution(requests.MaxLine, clicks.MaxLine);
        var r = requests.Entries;
        var c = clicks.Entries;
        int nr = requests.Count, nc = clicks.Count, i = 0, j = 0;
        while (i < nr || j < nc)
        {
            if ((i & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            var key = i < nr && (j >= nc || r[i].Id.CompareTo(c[j].Id) <= 0) ? r[i].Id : c[j].Id;
            var i2 = i;
            while (i2 < nr && r[i2].Id == key) i2++;
            var j2 = j;
            while (j2 < nc && c[j2].Id == key) j2++;

            var keep = -1;
            if (i2 > i)
            {
                keep = i; // the earliest: copies are sorted by (ts, line)
                if (i2 - i > 1 && j2 > j)
                {
                    var firstClick = long.MaxValue;
                    for (var k = j; k < j2; k++) firstClick = Math.Min(firstClick, c[k].Ts);
                    var last = -1;
                    for (var k = i; k < i2 && r[k].Ts <= firstClick; k++) last = k;
                    if (last >= 0)
                    {
                        keep = last;
                        while (keep > i && r[keep - 1].Ts == r[last].Ts) keep--;
                    }
                }
                var keptLine = r[keep].Line;
                res._request[keptLine] = i2 - i == 1 ? keptLine : -(i2 - i - 1);
                for (var k = i; k < i2; k++)
                    if (k != keep) res._request[r[k].Line] = keptLine;
                res.KeptRequests++;
            }

            for (var k = j; k < j2;)
            {
                var first = k++;
                while (k < j2 && c[k].SameResult(c[first])) k++;
                if (keep < 0) res.SetClick(c[first].Line, ClickFate.Orphan, 0, 0);
                else
                {
                    var delta = c[first].Ts - r[keep].Ts;
                    res.SetClick(c[first].Line, delta < 0 ? ClickFate.BeforeRequest : ClickFate.Kept, r[keep].Line, delta);
                    if (delta >= 0) res.KeptClicks++;
                }
                for (var m = first + 1; m < k; m++)
                {
                    var delta = c[m].Ts - c[first].Ts;
                    res.SetClick(c[m].Line, delta == 0 ? ClickFate.Duplicate : ClickFate.Repeated, c[first].Line, delta);
                }
            }
            i = i2;
            j = j2;
        }
        return res;
    }

    private void SetClick(int line, ClickFate fate, int refLine, long delta)
    {
        _click[line] = ((int)fate << 28) | refLine;
        if (delta is > int.MinValue and <= int.MaxValue) _clickDelta[line] = (int)delta;
        else
        {
            _clickDelta[line] = int.MinValue;
            _farDelta[line] = delta;
        }
    }
}
