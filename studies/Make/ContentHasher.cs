using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// SHA-256 of what a target declares, by content: a file by its bytes, a folder by its files' relative paths and
/// hashes (build folders left out), a pattern like <c>lib/SearchLogs/*.cs</c> by the files it matches in that folder.
/// A file's hash is remembered for as long as its size and modification time stay the same, so one <c>make</c> hashes
/// each file once even when several targets read it.
/// </summary>
public sealed class ContentHasher(string root)
{
    /// <summary>Folders never part of an input or code folder: build output and npm's cache change on every build.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", ".staging" };

    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified, string Hash)> _files = new(StringComparer.Ordinal);

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>True when the path (file, folder, or a pattern's folder with at least one match) exists.</summary>
    public bool Exists(string repoRelative) => Files(repoRelative) is { Count: > 0 } || File.Exists(Full(repoRelative));

    /// <summary>The hash of <paramref name="repoRelative"/>'s content, or null when nothing is there.</summary>
    public string? Hash(string repoRelative)
    {
        var full = Full(repoRelative);
        if (File.Exists(full)) return HashFile(full);
        var files = Files(repoRelative);
        if (files.Count == 0 && !Directory.Exists(full)) return null;
        var listing = new StringBuilder();
        foreach (var file in files)
            listing.Append(Path.GetRelativePath(Root, file).Replace('\\', '/')).Append('\0').Append(HashFile(file)).Append('\n');
        return Of(listing.ToString());
    }

    /// <summary>The files behind a folder or pattern, sorted; empty for a plain file or a missing path.</summary>
    public IReadOnlyList<string> Files(string repoRelative)
    {
        var full = Full(repoRelative);
        var name = Path.GetFileName(full);
        if (name.Contains('*'))
        {
            var folder = Path.GetDirectoryName(full)!;
            return Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, name, SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList()
                : [];
        }
        if (!Directory.Exists(full)) return [];
        var found = new List<string>();
        void Walk(string dir)
        {
            found.AddRange(Directory.EnumerateFiles(dir).Where(f => !Path.GetFileName(f).StartsWith('.')));
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!Skipped.Contains(Path.GetFileName(sub)) && !Path.GetFileName(sub).StartsWith('.')) Walk(sub);
        }
        Walk(full);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>SHA-256 (lower-case hex) of a text, e.g. a canonical listing of other hashes.</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A hash as people read it in a list: its first 12 hex digits.</summary>
    public static string Short(string? hash) => hash is null ? "none" : hash.Length > 12 ? hash[..12] : hash;

    private string Full(string repoRelative) => Path.GetFullPath(Path.Combine(Root, repoRelative));

    private string HashFile(string full)
    {
        var info = new FileInfo(full);
        if (_files.TryGetValue(full, out var known) && known.Length == info.Length && known.Modified == info.LastWriteTimeUtc)
            return known.Hash;
        var hash = FileHash.Of(full).Sha256;
        _files[full] = (info.Length, info.LastWriteTimeUtc, hash);
        return hash;
    }
}
