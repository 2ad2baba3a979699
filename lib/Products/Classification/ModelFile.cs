using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Workbook.Reports;

namespace Workbook.Products.Classification;

/// <summary>
/// The classifier's file format: magic "WBHC", format version, a JSON header (options, label tree, decoder,
/// provenance, block shapes), the float arrays, and a SHA-256 of everything before it. A different version or a
/// failed checksum is a clear error rather than a model that predicts garbage.
/// </summary>
internal static class ModelFile
{
    public const int Version = 2; // 2: int8 rows with a per-row scale (QuantizedTable)
    private static readonly byte[] Magic = "WBHC"u8.ToArray();

    private sealed record ParentShape(int Node, int[] Children, int Rows, uint Salt, bool Softmax = false);
    private sealed record Header(
        HierarchicalClassifierOptions Options,
        LabelTree.Row[] Tree,
        float[] LevelThresholds,
        float DescendThreshold,
        bool HasIdf,
        ParentShape[] Parents,
        Dictionary<string, string> Metadata,
        Provenance Provenance,
        bool PathBySum = false);

    public static void Save(HierarchicalClassifierModel model, string path)
    {
        var tree = model.Tree;
        var header = new Header(
            model.Options,
            Enumerable.Range(0, tree.Count).Select(i => new LabelTree.Row(tree.TagId(i), tree.Name(i), tree.Level(i),
                tree.Parent(i) < 0 ? LabelTree.RootTagId : tree.TagId(tree.Parent(i)), i + 2)).ToArray(),
            model.Decoder.LevelThresholds.ToArray(),
            model.Decoder.DescendThreshold,
            model.Idf != null,
            model.Parents.Select(p => new ParentShape(p.Node, p.Children, p.Table.Rows, p.Table.Salt, p.Softmax)).ToArray(),
            model.Metadata.ToDictionary(),
            Provenance.Capture(SourceFiles(model)),
            model.Decoder.PathBySum);
        AtomicFile.Write(path, temp =>
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                using (var w = new BinaryWriter(new HashingStream(file, hasher), System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic);
                    w.Write(Version);
                    var json = JsonSerializer.SerializeToUtf8Bytes(header);
                    w.Write(json.Length);
                    w.Write(json);
                    if (model.Idf != null) WriteFloats(w, model.Idf);
                    foreach (var p in model.Parents) p.Table.Write(w);
                    w.Flush();
                    file.Write(hasher.GetHashAndReset());
                }
                file.Flush(flushToDisk: true);
            }
        });
    }

    /// <summary>The training files the model's metadata names (whoever trains it says what from); none when it names none.</summary>
    private static IEnumerable<string> SourceFiles(HierarchicalClassifierModel model) =>
        new[] { "data_path", "labels_path" }.Select(k => model.Metadata.GetValueOrDefault(k)).OfType<string>().Where(File.Exists).ToList();

    public static HierarchicalClassifierModel Load(string path)
    {
        DataLineage.Record(path);
        using var file = File.OpenRead(path);
        if (file.Length < Magic.Length + 4 + 32)
            throw new InvalidDataException($"{path}: not a classifier model file (too short).");
        var magic = new byte[4];
        file.ReadExactly(magic);
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a classifier model file (bad magic bytes).");
        var versionBytes = new byte[4];
        file.ReadExactly(versionBytes);
        var version = BitConverter.ToInt32(versionBytes);
        if (version != Version)
            throw new InvalidDataException($"{path}: model file format version {version}, this build reads version {Version}. Retrain the model.");

        // Verify the checksum before trusting any length inside the file.
        file.Position = 0;
        using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1 << 20];
            var remaining = file.Length - 32;
            while (remaining > 0)
            {
                var n = file.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (n <= 0) throw new InvalidDataException($"{path}: truncated model file.");
                hasher.AppendData(buffer, 0, n);
                remaining -= n;
            }
            var stored = new byte[32];
            file.ReadExactly(stored);
            if (!hasher.GetHashAndReset().AsSpan().SequenceEqual(stored))
                throw new InvalidDataException($"{path}: model file is corrupt (checksum mismatch).");
        }

        // A matching checksum proves the bytes are what some writer wrote, not that the writer was this code: every
        // length and index is checked before it sizes an allocation or indexes an array.
        file.Position = 8;
        var end = file.Length - 32;
        using var r = new BinaryReader(file, System.Text.Encoding.UTF8, leaveOpen: true);
        var headerLength = r.ReadInt32();
        if (headerLength <= 0 || headerLength > end - file.Position)
            throw new InvalidDataException($"{path}: model header length {headerLength} does not fit the file.");
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(r.ReadBytes(headerLength)) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: model header is not valid JSON ({e.Message}).", e);
        }
        if (header.Options is null || header.Tree is null || header.Parents is null || header.LevelThresholds is null || header.Metadata is null)
            throw new InvalidDataException($"{path}: model header lacks options, tree, parents, thresholds or metadata.");
        try { header.Options.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{path}: model options are invalid: {e.Message}", e); }
        if (header.Tree.Length == 0) throw new InvalidDataException($"{path}: model has an empty label tree.");
        if (header.Tree.Any(row => row?.Name is null)) throw new InvalidDataException($"{path}: model label tree has a row without a name.");
        if (header.LevelThresholds.Length == 0) throw new InvalidDataException($"{path}: model has no level thresholds.");
        var tree = LabelTree.FromRows(header.Tree, path);
        var buckets = 1 << header.Options.HashBits;
        var idf = header.HasIdf ? ReadFloats(r, Fits(buckets * 4L, r, end, path, "idf") / 4) : null;
        var parents = new ParentClassifier[header.Parents.Length];
        for (var i = 0; i < parents.Length; i++)
        {
            var p = header.Parents[i];
            if (p is null || p.Children is not { Length: > 0 } || p.Node < -1 || p.Node >= tree.Count
                || p.Children.Any(c => c < 0 || c >= tree.Count) || p.Rows < 1 || p.Rows > buckets)
                throw new InvalidDataException($"{path}: model parent {i} has an invalid node, children or row count.");
            Fits(QuantizedTable.BytesFor(p.Rows, p.Children.Length) + 4L * p.Children.Length, r, end, path, $"parent {i}'s table");
            parents[i] = new ParentClassifier(p.Node, p.Children, QuantizedTable.Read(r, p.Rows, p.Children.Length, p.Salt), p.Softmax);
        }
        if (file.Position != end)
            throw new InvalidDataException($"{path}: model file has {end - file.Position} bytes after its last table.");
        return new HierarchicalClassifierModel(tree, header.Options, idf, parents,
            new HierarchicalDecoder(header.LevelThresholds, header.DescendThreshold, header.PathBySum), header.Metadata);
    }

    private static long Fits(long bytes, BinaryReader r, long end, string path, string what) =>
        bytes <= end - r.BaseStream.Position ? bytes
            : throw new InvalidDataException($"{path}: model file is too short for {what} ({bytes:N0} bytes needed, {end - r.BaseStream.Position:N0} left).");

    private static void WriteFloats(BinaryWriter w, float[] values) => w.Write(MemoryMarshal.AsBytes(values.AsSpan()));

    private static float[] ReadFloats(BinaryReader r, long count)
    {
        var values = new float[count];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>A write-only pass-through that feeds every byte to a hash.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
