using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Workbook.Products.Ranking;

/// <summary>
/// Repeated <c>product_id</c> rows: the first copy (lowest line) is kept and every later copy is a rejected row naming
/// the first, in both readers (<see cref="ProductScoringLoader"/> and <see cref="StreamingRanker"/>), so a product is
/// ranked once. The streaming ranker cannot hold 10 million ids, nor a hash of each: it spills an 8-byte hash per row
/// (<see cref="HashSpill"/>), finds the hashes seen twice one partition at a time, and compares only those rows' real
/// ids: a hash collision between two different ids costs a look, never a wrong rejection.
/// </summary>
internal static class DuplicateProductIds
{
    public static string Reason(string id, long firstLine) => $"duplicate id {id} (the copy on line {firstLine} is kept)";

    /// <summary>The id as compared: surrounding spaces do not make a different product.</summary>
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> id) => ScoringLineParser.TrimSpaces(id);

    /// <summary>64-bit XxHash3 of the trimmed id.</summary>
    public static ulong Hash(ReadOnlySpan<byte> id) => XxHash3.HashToUInt64(Key(id));

    /// <summary>
    /// The hash of every good row's id, spilled to a scratch file in partitions by the hash's top bits, as many as keep
    /// one partition near <see cref="PartitionBytes"/> of hashes for an input of that size: finding the repeated hashes
    /// then holds one partition per worker, whatever the number of rows.
    /// </summary>
    internal sealed class HashSpill : IDisposable
    {
        /// <summary>Input bytes per partition: a partition holds this over the line length times 8 bytes of hashes (~2 MB for this file's ~66-byte lines).</summary>
        private const long PartitionBytes = 16 << 20;

        private readonly ScratchFile _file;
        private readonly int _bits;
        private readonly List<(long Offset, int Count)>[] _chunks;

        public HashSpill(ScratchFile file, long inputBytes)
        {
            _file = file;
            _bits = Math.Min(12, (int)Math.Ceiling(Math.Log2(Math.Max(1, inputBytes / (double)PartitionBytes))));
            _chunks = Enumerable.Range(0, 1 << _bits).Select(_ => new List<(long, int)>()).ToArray();
        }

        public int Partitions => _chunks.Length;

        /// <summary>One worker's buffers, one per partition (about 2 MB in all).</summary>
        internal sealed class Writer(HashSpill spill)
        {
            private readonly ulong[][] _buffers = Enumerable.Range(0, spill.Partitions).Select(_ => new ulong[Math.Max(256, (256 << 10) / spill.Partitions)]).ToArray();
            private readonly int[] _counts = new int[spill.Partitions];

            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
            public void Add(ulong hash)
            {
                var p = spill._bits == 0 ? 0 : (int)(hash >> (64 - spill._bits));
                var buffer = _buffers[p];
                buffer[_counts[p]++] = hash;
                if (_counts[p] == buffer.Length) Flush(p);
            }

            /// <summary>Writes what the buffers hold (call once the worker is done).</summary>
            public void Flush()
            {
                for (var p = 0; p < _buffers.Length; p++) Flush(p);
            }

            private void Flush(int p)
            {
                if (_counts[p] == 0) return;
                var offset = spill._file.Append(MemoryMarshal.AsBytes(_buffers[p].AsSpan(0, _counts[p])));
                lock (spill._chunks[p]) spill._chunks[p].Add((offset, _counts[p]));
                _counts[p] = 0;
            }
        }

        /// <summary>Hashes that occur more than once, one partition per worker at a time (each read back into a hash set).</summary>
        public HashSet<ulong> Repeated(int workers)
        {
            var repeated = new HashSet<ulong>();
            Parallel.For(0, _chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = workers }, () => Array.Empty<ulong>(), (p, _, hashes) =>
            {
                var total = _chunks[p].Sum(c => c.Count);
                if (hashes.Length < total) hashes = new ulong[total];
                var at = 0;
                foreach (var (offset, count) in _chunks[p])
                {
                    _file.Read(MemoryMarshal.AsBytes(hashes.AsSpan(at, count)), offset);
                    at += count;
                }
                // Seen twice: an open-addressing set of the partition's hashes (0 marks an empty slot, so 0 is kept aside).
                var table = new ulong[Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)total * 2))];
                var mask = table.Length - 1;
                var zero = false;
                foreach (var h in hashes.AsSpan(0, total))
                {
                    if (h == 0)
                    {
                        if (zero) lock (repeated) repeated.Add(0);
                        zero = true;
                        continue;
                    }
                    var i = (int)h & mask;
                    while (table[i] != 0 && table[i] != h) i = (i + 1) & mask;
                    if (table[i] == h) lock (repeated) repeated.Add(h);
                    else table[i] = h;
                }
                return hashes;
            }, _ => { });
            return repeated;
        }

        public void Dispose() => _file.Dispose();
    }

    /// <summary>For rows whose hash repeats: each later copy of an exact id, mapped to the line of its first copy.</summary>
    public static Dictionary<long, long> LaterCopies(IEnumerable<(long Line, string Id)> candidates)
    {
        var later = new Dictionary<long, long>();
        foreach (var group in candidates.GroupBy(c => c.Id, StringComparer.Ordinal))
        {
            var lines = group.Select(c => c.Line).Order().ToList();
            foreach (var line in lines.Skip(1)) later[line] = lines[0];
        }
        return later;
    }
}
