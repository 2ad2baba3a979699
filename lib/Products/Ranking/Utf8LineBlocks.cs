namespace Workbook.Products.Ranking;

/// <summary>A run of whole lines of a file: <see cref="Buffer"/>[0..<see cref="Length"/>) ends with a newline (or the file).</summary>
internal sealed record LineBlock(int Index, long FirstLine, byte[] Buffer, int Length)
{
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    internal Utf8LineBlocks? Owner { get; init; }

    /// <summary>Gives the buffer back to the reader's pool (call once, when done with the block).</summary>
    public void Return() => Owner?.Recycle(Buffer);
}

/// <summary>
/// Reads a UTF-8 file as blocks of whole lines (about <c>blockSize</c> bytes each), numbered by their first line, so
/// blocks can be parsed on several cores while rejects still name their line. The header line (BOM stripped) is read
/// first. Buffers are recycled by the reader itself (blocks are larger than the shared pool's comfortable sizes): memory
/// is the blocks in flight, not the file.
/// </summary>
internal sealed class Utf8LineBlocks : IDisposable
{
    private readonly FileStream _stream;
    private readonly int _blockSize;
    private byte[] _carry = [];
    private int _carryLength;
    private long _nextLine;
    private readonly System.Collections.Concurrent.ConcurrentBag<byte[]> _free = new();

    internal void Recycle(byte[] buffer) { if (buffer.Length == _blockSize) _free.Add(buffer); }

    private byte[] Rent(int size) => size == _blockSize && _free.TryTake(out var b) ? b : new byte[size];

    public Utf8LineBlocks(string path, int blockSize = 8 << 20)
    {
        _blockSize = blockSize;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        Header = ReadHeader();
        _nextLine = 2;
    }

    /// <summary>The first line, without BOM and line ending; null for an empty file.</summary>
    public byte[]? Header { get; }

    private byte[]? ReadHeader()
    {
        var buf = new byte[Math.Min(64 << 10, Math.Max(_blockSize, 1024))];
        var n = _stream.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
        if (n == 0) return null;
        var span = buf.AsSpan(0, n);
        var start = span.StartsWith("\uFEFF"u8) ? 3 : 0;
        var nl = span[start..].IndexOf((byte)'\n');
        var end = nl < 0 ? n : start + nl;
        var header = span[start..end].TrimEnd((byte)'\r').ToArray();
        var rest = nl < 0 ? 0 : n - end - 1;
        _carry = new byte[Math.Max(rest, 1)];
        span.Slice(n - rest, rest).CopyTo(_carry);
        _carryLength = rest;
        return header;
    }

    /// <summary>The blocks in file order; each must be <see cref="LineBlock.Return">returned</see> by its consumer.</summary>
    public IEnumerable<LineBlock> Blocks()
    {
        var index = 0;
        while (true)
        {
            var size = Math.Max(_blockSize, _carryLength * 2);
            var buf = Rent(size);
            _carry.AsSpan(0, _carryLength).CopyTo(buf);
            var filled = _carryLength + _stream.ReadAtLeast(buf.AsSpan(_carryLength), buf.Length - _carryLength, throwOnEndOfStream: false);
            if (filled == 0)
            {
                Recycle(buf);
                yield break;
            }
            var atEnd = filled < buf.Length;
            int length;
            if (atEnd) length = filled;
            else
            {
                var lastNl = buf.AsSpan(0, filled).LastIndexOf((byte)'\n');
                if (lastNl < 0)
                {
                    // One line longer than the block: keep it all and read on with a bigger buffer.
                    _carry = buf.AsSpan(0, filled).ToArray();
                    _carryLength = filled;
                    Recycle(buf);
                    continue;
                }
                length = lastNl + 1;
            }
            var rest = filled - length;
            if (_carry.Length < rest) _carry = new byte[rest];
            buf.AsSpan(length, rest).CopyTo(_carry);
            _carryLength = rest;
            var block = new LineBlock(index++, _nextLine, buf, length) { Owner = this };
            _nextLine += block.Span.Count((byte)'\n') + (atEnd && length > 0 && buf[length - 1] != '\n' ? 1 : 0);
            yield return block;
            if (atEnd) yield break;
        }
    }

    /// <summary>Every line of <paramref name="block"/>: its 1-based number and where it sits in the buffer (line ending stripped).</summary>
    public static IEnumerable<(long Line, int Start, int Length)> Lines(LineBlock block)
    {
        var lines = new LineCursor(block);
        while (lines.Next(out var line, out var start, out var length)) yield return (line, start, length);
    }

    /// <summary>The lines of one block without an enumerator object (the ranker's passes walk 10 million of them).</summary>
    internal struct LineCursor(LineBlock block)
    {
        private int _start;
        private long _line = block.FirstLine;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public bool Next(out long line, out int start, out int length)
        {
            line = _line;
            start = _start;
            if (start >= block.Length)
            {
                length = 0;
                return false;
            }
            var nl = block.Buffer.AsSpan(start, block.Length - start).IndexOf((byte)'\n');
            var end = nl < 0 ? block.Length : start + nl;
            length = end - start;
            if (length > 0 && block.Buffer[end - 1] == '\r') length--;
            _line++;
            _start = end + 1;
            return true;
        }
    }

    public void Dispose() => _stream.Dispose();
}
