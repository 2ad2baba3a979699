using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Workbook.Products.Ranking;

/// <summary>
/// External merge sort of output records by (score descending, input line ascending): workers append sorted runs to one
/// temporary file, then <see cref="Merge"/> streams them back in global order through a fixed read budget, so ranking
/// any number of rows needs memory for a run and the merge buffers, never one entry per row.
/// A record is [score:8][line:8][rank position:4][length:4][bytes]; the merge writes the bytes with the rank spliced in.
/// </summary>
internal sealed class SortedRuns : IDisposable
{
    private const int HeaderSize = 24;
    private readonly FileStream _file;
    private readonly List<(long Offset, long Length)> _runs = new();
    private readonly object _gate = new();

    public SortedRuns(string path)
    {
        Path = path;
        _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }

    public string Path { get; }
    public int Count => _runs.Count;

    /// <summary>One worker's records, to be sorted and appended as a run.</summary>
    internal sealed class Builder
    {
        private Entry[] _entries = new Entry[1 << 14];
        private byte[] _bytes = new byte[1 << 20];
        private int _count, _used;

        private struct Entry
        {
            public double Score;
            public long Line;
            public int Offset, RankAt, Length;
        }

        public int Count => _count;

        /// <summary>Room for one record of up to <paramref name="maxLength"/> bytes; write into it, then <see cref="Commit"/>.</summary>
        public Span<byte> Reserve(int maxLength)
        {
            if (_used + maxLength > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + maxLength));
            return _bytes.AsSpan(_used, maxLength);
        }

        public void Commit(double score, long line, int rankAt, int length)
        {
            if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
            _entries[_count++] = new Entry { Score = score, Line = line, Offset = _used, RankAt = rankAt, Length = length };
            _used += length;
        }

        private byte[] _run = [];

        /// <summary>Sorts the records and serialises them into one run (a buffer the builder reuses, valid until the next call).</summary>
        public byte[] Drain(out int length)
        {
            var entries = _entries.AsSpan(0, _count);
            entries.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Line.CompareTo(b.Line));
            if (_run.Length < _used + _count * HeaderSize) _run = new byte[(_used + _count * HeaderSize) * 5 / 4];
            var run = _run;
            var at = 0;
            foreach (ref readonly var e in entries)
            {
                var dst = run.AsSpan(at);
                BinaryPrimitives.WriteDoubleLittleEndian(dst, e.Score);
                BinaryPrimitives.WriteInt64LittleEndian(dst[8..], e.Line);
                BinaryPrimitives.WriteInt32LittleEndian(dst[16..], e.RankAt);
                BinaryPrimitives.WriteInt32LittleEndian(dst[20..], e.Length);
                _bytes.AsSpan(e.Offset, e.Length).CopyTo(dst[HeaderSize..]);
                at += HeaderSize + e.Length;
            }
            _count = 0;
            _used = 0;
            length = at;
            return run;
        }
    }

    /// <summary>Sorts the builder's records and appends them as one run (thread-safe).</summary>
    public void Append(Builder builder)
    {
        if (builder.Count == 0) return;
        var run = builder.Drain(out var length);
        lock (_gate)
        {
            _runs.Add((_file.Position, length));
            _file.Write(run, 0, length);
        }
    }

    /// <summary>
    /// Streams every record in global order to <paramref name="output"/>, each with its 1-based rank spliced in.
    /// <paramref name="readBudget"/> bytes of read buffers are shared by the runs (at least 16 KB each).
    /// </summary>
    public long Merge(Stream output, int readBudget = 32 << 20)
    {
        _file.Flush();
        var handle = _file.SafeFileHandle;
        var bufferSize = Math.Max(16 << 10, readBudget / Math.Max(1, _runs.Count));
        var queue = new PriorityQueue<Cursor, (double Score, long Line)>(_runs.Count,
            Comparer<(double Score, long Line)>.Create(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Line.CompareTo(b.Line)));
        foreach (var (offset, length) in _runs)
        {
            var c = new Cursor(handle, offset, length, bufferSize);
            if (c.MoveNext()) queue.Enqueue(c, (c.Score, c.Line));
        }
        var outBuf = new byte[1 << 20];
        var used = 0;
        long rank = 0;
        Span<byte> digits = stackalloc byte[20];
        while (queue.TryPeek(out var top, out _))
        {
            var record = top.Record;
            rank++;
            rank.TryFormat(digits, out var d);
            if (used + record.Length + d > outBuf.Length)
            {
                output.Write(outBuf, 0, used);
                used = 0;
                if (record.Length + d > outBuf.Length) outBuf = new byte[(record.Length + d) * 2];
            }
            record[..top.RankAt].CopyTo(outBuf.AsSpan(used));
            used += top.RankAt;
            digits[..d].CopyTo(outBuf.AsSpan(used));
            used += d;
            record[top.RankAt..].CopyTo(outBuf.AsSpan(used));
            used += record.Length - top.RankAt;
            if (top.MoveNext()) queue.DequeueEnqueue(top, (top.Score, top.Line));
            else queue.Dequeue();
        }
        output.Write(outBuf, 0, used);
        return rank;
    }

    // Reads one run sequentially through its own buffer.
    private sealed class Cursor(SafeFileHandle handle, long offset, long length, int bufferSize)
    {
        private byte[] _buf = new byte[bufferSize];
        private int _pos, _len, _recordLength;
        private long _next = offset;
        private readonly long _end = offset + length;

        public double Score { get; private set; }
        public long Line { get; private set; }
        public int RankAt { get; private set; }
        public ReadOnlySpan<byte> Record => _buf.AsSpan(_pos - _recordLength, _recordLength);

        public bool MoveNext()
        {
            if (!Ensure(HeaderSize)) return false;
            var h = _buf.AsSpan(_pos, HeaderSize);
            Score = BinaryPrimitives.ReadDoubleLittleEndian(h);
            Line = BinaryPrimitives.ReadInt64LittleEndian(h[8..]);
            RankAt = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
            var len = BinaryPrimitives.ReadInt32LittleEndian(h[20..]);
            if (!Ensure(HeaderSize + len)) throw new InvalidDataException("truncated sort run");
            _pos += HeaderSize + len;
            _recordLength = len;
            return true;
        }

        // At least `need` unread bytes at _pos, refilling (and growing for a long record) as needed.
        private bool Ensure(int need)
        {
            if (_len - _pos >= need) return true;
            var unread = _len - _pos;
            if (need > _buf.Length)
            {
                var bigger = new byte[need * 2];
                _buf.AsSpan(_pos, unread).CopyTo(bigger);
                _buf = bigger;
            }
            else _buf.AsSpan(_pos, unread).CopyTo(_buf);
            _pos = 0;
            _len = unread;
            while (_len < need && _next < _end)
            {
                var n = RandomAccess.Read(handle, _buf.AsSpan(_len, (int)Math.Min(_buf.Length - _len, _end - _next)), _next);
                if (n == 0) break;
                _len += n;
                _next += n;
            }
            return _len >= need;
        }
    }

    public void Dispose() => _file.Dispose();
}
