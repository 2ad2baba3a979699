using System.Buffers.Binary;

namespace Workbook.Products.Ranking;

/// <summary>
/// External merge sort of output records by (score descending, input line ascending): workers append sorted runs to one
/// temporary file, then <see cref="Merge"/> streams them back in global order through a fixed read budget, so ranking
/// any number of rows needs memory for a run and the merge buffers, never one entry per row.
/// A record is [order key:8][insert:4][rank position:4][length:4][bytes]; the merge writes the bytes with the rank, and
/// the shared insert the record names (the posterior's text, one per distinct count), spliced in. Each run holds lines
/// that all come before those of the runs appended with a higher sequence number (a block of the file each), so ties
/// between runs go to the lower sequence number and no line number is stored.
/// </summary>
internal sealed class SortedRuns : IDisposable
{
    private const int HeaderSize = 20;
    private readonly ScratchFile _file;
    private readonly List<(int Sequence, long Offset, long Length)> _runs = new();

    public SortedRuns(string path) => _file = new ScratchFile(path);

    public SortedRuns(ScratchFile file) => _file = file;

    public int Count => _runs.Count;

    /// <summary>
    /// The order of a score as an unsigned integer, best first: the usual total order of doubles' bits, complemented
    /// (-0 counts as 0, NaN last).
    /// </summary>
    public static ulong OrderKey(double score)
    {
        if (double.IsNaN(score)) return ulong.MaxValue;
        var bits = BitConverter.DoubleToInt64Bits(score + 0.0);
        var ascending = bits >= 0 ? (ulong)bits ^ 0x8000_0000_0000_0000UL : ~(ulong)bits;
        return ~ascending;
    }

    /// <summary>The score an <see cref="OrderKey"/> was made of (-0 comes back as 0, NaN as a NaN).</summary>
    public static double ScoreOf(ulong key)
    {
        if (key == ulong.MaxValue) return double.NaN;
        var ascending = ~key;
        return BitConverter.Int64BitsToDouble((long)((ascending & 0x8000_0000_0000_0000UL) != 0 ? ascending ^ 0x8000_0000_0000_0000UL : ~ascending));
    }

    /// <summary>One worker's records, appended as a run; records committed out of order are sorted when drained.</summary>
    internal sealed class Builder
    {
        private Entry[] _entries = new Entry[1 << 14];
        private byte[] _bytes = new byte[1 << 20];
        private int _count, _used;
        private bool _inOrder = true;

        private struct Entry : IComparable<Entry>
        {
            public ulong Key;
            public long Line;
            public int Offset, Length;

            public readonly int CompareTo(Entry other) => Key != other.Key ? Key.CompareTo(other.Key) : Line.CompareTo(other.Line);
        }

        public int Count => _count;

        /// <summary>Room for one record of up to <paramref name="maxLength"/> bytes; write into it, then <see cref="Commit"/>.</summary>
        public Span<byte> Reserve(int maxLength)
        {
            if (_used + HeaderSize + maxLength > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + HeaderSize + maxLength));
            return _bytes.AsSpan(_used + HeaderSize, maxLength);
        }

        /// <summary>Commits the reserved record: its <paramref name="length"/> bytes get the rank (and insert number <paramref name="insert"/>, if not negative) at <paramref name="rankAt"/>.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Commit(double score, long line, int rankAt, int length, int insert = -1)
        {
            var key = OrderKey(score);
            var header = _bytes.AsSpan(_used, HeaderSize);
            BinaryPrimitives.WriteUInt64LittleEndian(header, key);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], insert);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], rankAt);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], length);
            if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
            var entry = new Entry { Key = key, Line = line, Offset = _used, Length = HeaderSize + length };
            if (_count > 0 && entry.CompareTo(_entries[_count - 1]) < 0) _inOrder = false;
            _entries[_count++] = entry;
            _used += HeaderSize + length;
        }

        private byte[] _run = [];

        /// <summary>The records as one run, in order (the builder's own buffer when they were committed in order), valid until the next call.</summary>
        public ReadOnlySpan<byte> Drain()
        {
            var (count, used, inOrder) = (_count, _used, _inOrder);
            (_count, _used, _inOrder) = (0, 0, true);
            if (inOrder) return _bytes.AsSpan(0, used);
            var entries = _entries.AsSpan(0, count);
            entries.Sort();
            if (_run.Length < used) _run = new byte[used * 5 / 4];
            var at = 0;
            foreach (ref readonly var e in entries)
            {
                _bytes.AsSpan(e.Offset, e.Length).CopyTo(_run.AsSpan(at));
                at += e.Length;
            }
            return _run.AsSpan(0, at);
        }
    }

    /// <summary>
    /// Appends the builder's records as one run (thread-safe); its lines come after those of every run with a lower
    /// <paramref name="sequence"/> and before those of every run with a higher one.
    /// </summary>
    public void Append(Builder builder, int sequence)
    {
        if (builder.Count == 0) return;
        var run = builder.Drain();
        var offset = _file.Append(run);
        lock (_runs) _runs.Add((sequence, offset, run.Length));
    }

    /// <summary>
    /// Streams every record in global order to <paramref name="output"/>, each with its 1-based rank and its insert
    /// (from <paramref name="inserts"/>) spliced in. <paramref name="readBudget"/> bytes of read buffers are shared by
    /// the runs (at least 16 KB each).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public long Merge(Stream output, IReadOnlyList<byte[]>? inserts = null, int readBudget = 32 << 20)
    {
        var bufferSize = Math.Max(16 << 10, readBudget / Math.Max(1, _runs.Count));
        var queue = new PriorityQueue<Cursor, Order>(_runs.Count);
        var order = 0;
        foreach (var (_, offset, length) in _runs.OrderBy(r => r.Sequence))
        {
            var c = new Cursor(_file, offset, length, bufferSize, order++);
            if (c.MoveNext()) queue.Enqueue(c, c.Order);
        }
        // The output is written by a second thread while the merge goes on (the write's kernel copy is a third of the pass).
        using var writer = new BackgroundWriter(output);
        var outBuf = writer.Empty();
        var used = 0;
        long rank = 0;
        while (queue.TryPeek(out var top, out _))
        {
            var record = top.Record;
            var insert = top.Insert >= 0 ? inserts![top.Insert] : Array.Empty<byte>();
            rank++;
            if (used + record.Length + insert.Length + 20 > outBuf.Length)
            {
                outBuf = writer.Write(outBuf, used);
                used = 0;
                if (record.Length + insert.Length + 20 > outBuf.Length) outBuf = new byte[(record.Length + insert.Length + 20) * 2];
            }
            var dst = outBuf.AsSpan(used);
            record[..top.RankAt].CopyTo(dst);
            var n = top.RankAt;
            rank.TryFormat(dst[n..], out var d);
            n += d;
            insert.CopyTo(dst[n..]);
            n += insert.Length;
            record[top.RankAt..].CopyTo(dst[n..]);
            used += n + record.Length - top.RankAt;
            if (top.MoveNext()) queue.DequeueEnqueue(top, top.Order);
            else queue.Dequeue();
        }
        writer.Write(outBuf, used);
        writer.Complete();
        return rank;
    }

    /// <summary>Writes filled buffers to a stream on its own thread, in order, handing back emptied ones (four of 1 MB).</summary>
    private sealed class BackgroundWriter : IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<(byte[] Buffer, int Length)> _full = new(4);
        private readonly System.Collections.Concurrent.BlockingCollection<byte[]> _empty = new();
        private readonly CancellationTokenSource _failed = new();
        private readonly Task _task;

        public BackgroundWriter(Stream output)
        {
            for (var i = 0; i < 4; i++) _empty.Add(new byte[1 << 20]);
            _task = Task.Factory.StartNew(() =>
            {
                try
                {
                    foreach (var (buffer, length) in _full.GetConsumingEnumerable())
                    {
                        output.Write(buffer, 0, length);
                        if (buffer.Length == 1 << 20) _empty.Add(buffer);
                    }
                }
                catch
                {
                    _failed.Cancel(); // the merge, waiting for a buffer, stops and rethrows this
                    throw;
                }
            }, TaskCreationOptions.LongRunning);
        }

        public byte[] Empty()
        {
            try { return _empty.Take(_failed.Token); }
            catch (OperationCanceledException) { Complete(); throw; }
        }

        /// <summary>Queues the first <paramref name="length"/> bytes of <paramref name="buffer"/>; returns an empty buffer (waits for one).</summary>
        public byte[] Write(byte[] buffer, int length)
        {
            try { _full.Add((buffer, length), _failed.Token); }
            catch (OperationCanceledException) { Complete(); throw; }
            return Empty();
        }

        /// <summary>Waits for every queued write; rethrows the first that failed.</summary>
        public void Complete()
        {
            if (!_full.IsAddingCompleted) _full.CompleteAdding();
            try { _task.Wait(); }
            catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); }
        }

        public void Dispose()
        {
            if (!_full.IsAddingCompleted) _full.CompleteAdding();
            try { _task.Wait(); } catch (AggregateException) { } // already rethrown by Complete, or the merge itself failed
            _full.Dispose();
            _empty.Dispose();
            _failed.Dispose();
        }
    }

    // The merge's priority: order key, then the run's place in the file (a struct the queue compares without a delegate).
    private readonly record struct Order(ulong Key, int Run) : IComparable<Order>
    {
        public int CompareTo(Order other) => Key != other.Key ? Key.CompareTo(other.Key) : Run.CompareTo(other.Run);
    }

    // Reads one run sequentially through its own buffer.
    private sealed class Cursor(ScratchFile file, long offset, long length, int bufferSize, int run)
    {
        private byte[] _buf = new byte[bufferSize];
        private int _pos, _len, _recordLength;
        private long _next = offset;
        private readonly long _end = offset + length;

        public Order Order { get; private set; }
        public int Insert { get; private set; }
        public int RankAt { get; private set; }
        public ReadOnlySpan<byte> Record => _buf.AsSpan(_pos - _recordLength, _recordLength);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool MoveNext()
        {
            if (!Ensure(HeaderSize)) return false;
            var h = _buf.AsSpan(_pos, HeaderSize);
            Order = new Order(BinaryPrimitives.ReadUInt64LittleEndian(h), run);
            Insert = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
            RankAt = BinaryPrimitives.ReadInt32LittleEndian(h[12..]);
            var len = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
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
            var want = (int)Math.Min(_buf.Length - _len, _end - _next);
            if (want > 0 && _len < need)
            {
                file.Read(_buf.AsSpan(_len, want), _next);
                _len += want;
                _next += want;
            }
            return _len >= need;
        }
    }

    public void Dispose() => _file.Dispose();
}
