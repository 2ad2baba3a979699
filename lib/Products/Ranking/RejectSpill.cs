using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Workbook.Products.Ranking;

/// <summary>
/// The rejected rows of one parse of <c>rank</c>'s input, kept on disk instead of in memory: each block's rejects go
/// to a scratch file as CSV lines in one chunk, and only their count and a tally per field and reason stay in memory,
/// so a file full of bad rows costs disk, not RAM. <see cref="WriteTo"/> writes them back in line order (blocks in
/// file order, lines in order within a block).
/// </summary>
internal sealed class RejectSpill(ScratchFile file) : IDisposable
{
    public const string Header = "file,line,field,reason,raw_line";

    // A reason that names the row (a repeated id and its first line) makes every key new: past this many distinct
    // keys only those already seen are tallied, which keeps the tally bounded and still finds the common reasons.
    private const int MaxReasons = 1024;

    private readonly ConcurrentDictionary<int, (long Offset, int Length)> _chunks = new();
    private readonly ConcurrentDictionary<string, Tally> _reasons = new(StringComparer.Ordinal);
    private long _count;

    /// <summary>Rows rejected so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Keeps block <paramref name="block"/>'s rejects (in line order); once per block, from any thread.</summary>
    public void Add(int block, IReadOnlyList<ProductScoringReject> rejects)
    {
        if (rejects.Count == 0) return;
        var text = new StringBuilder();
        foreach (var r in rejects)
        {
            text.Append(Line(r)).Append('\n');
            var key = $"{r.Field}: {r.Reason}";
            if (!_reasons.TryGetValue(key, out var tally) && _reasons.Count < MaxReasons) tally = _reasons.GetOrAdd(key, _ => new Tally());
            tally?.Add(r.Line);
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (!_chunks.TryAdd(block, (file.Append(bytes), bytes.Length)))
            throw new InvalidOperationException($"block {block}'s rejects were added twice");
        Interlocked.Add(ref _count, rejects.Count);
    }

    /// <summary>The most frequent "field: reason" and its first line; null when nothing was rejected.</summary>
    public (string Reason, long FirstLine)? MostCommon() =>
        _reasons.OrderByDescending(r => r.Value.Count).ThenBy(r => r.Value.FirstLine)
            .Select(r => ((string, long)?)(r.Key, r.Value.FirstLine)).FirstOrDefault();

    /// <summary>The header and every reject, in line order, as UTF-8 (no byte-order mark).</summary>
    public void WriteTo(Stream output)
    {
        output.Write(Encoding.UTF8.GetBytes(Header + "\n"));
        var buffer = Array.Empty<byte>();
        foreach (var (_, (offset, length)) in _chunks.OrderBy(c => c.Key))
        {
            if (buffer.Length < length) buffer = new byte[length];
            file.Read(buffer.AsSpan(0, length), offset);
            output.Write(buffer, 0, length);
        }
    }

    /// <summary>One reject as a CSV line (no line end): file, line, field, reason, the raw line.</summary>
    public static string Line(ProductScoringReject r) =>
        string.Join(',', Csv(r.File), r.Line.ToString(CultureInfo.InvariantCulture), Csv(r.Field), Csv(r.Reason), Csv(r.RawLine));

    private static string Csv(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    public void Dispose() => file.Dispose();

    private sealed class Tally
    {
        private long _count, _first = long.MaxValue;

        public long Count => Interlocked.Read(ref _count);

        public long FirstLine => Interlocked.Read(ref _first);

        public void Add(long line)
        {
            Interlocked.Increment(ref _count);
            long seen;
            while (line < (seen = Interlocked.Read(ref _first)) && Interlocked.CompareExchange(ref _first, line, seen) != seen) { }
        }
    }
}
