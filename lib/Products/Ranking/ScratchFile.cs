using Microsoft.Win32.SafeHandles;

namespace Workbook.Products.Ranking;

/// <summary>
/// A temporary file that several workers append chunks to at once (each reserves its range, then writes it without a
/// lock) and read back by offset; it deletes itself when disposed, or when the process ends.
/// </summary>
internal sealed class ScratchFile : IDisposable
{
    private readonly FileStream _file;
    private long _length;

    public ScratchFile(string path)
    {
        Path = path;
        _file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    /// <summary>A scratch file beside <paramref name="near"/> (in its folder if that exists, else in the temporary folder).</summary>
    public static ScratchFile Beside(string near, string suffix)
    {
        var full = System.IO.Path.GetFullPath(near);
        var dir = System.IO.Path.GetDirectoryName(full) is { } d && Directory.Exists(d) ? d : System.IO.Path.GetTempPath();
        return new ScratchFile(System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.{suffix}.tmp"));
    }

    public string Path { get; }

    public SafeFileHandle Handle => _file.SafeFileHandle;

    /// <summary>Bytes written so far.</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Writes <paramref name="bytes"/> at the end (thread-safe); returns where they start.</summary>
    public long Append(ReadOnlySpan<byte> bytes)
    {
        var offset = Interlocked.Add(ref _length, bytes.Length) - bytes.Length;
        RandomAccess.Write(Handle, bytes, offset);
        return offset;
    }

    /// <summary>Fills <paramref name="into"/> from <paramref name="offset"/> (thread-safe).</summary>
    public void Read(Span<byte> into, long offset)
    {
        while (into.Length > 0)
        {
            var n = RandomAccess.Read(Handle, into, offset);
            if (n == 0) throw new InvalidDataException($"{Path}: truncated scratch file");
            into = into[n..];
            offset += n;
        }
    }

    public void Dispose() => _file.Dispose();
}
