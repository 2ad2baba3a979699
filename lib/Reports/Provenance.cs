using System.Diagnostics;
using System.Security.Cryptography;

namespace Workbook.Reports;

/// <summary>What every report and saved artefact records about where it came from.</summary>
public sealed record Provenance(string Commit, bool Dirty, DateTimeOffset CreatedUtc, IReadOnlyList<FileHash> Files)
{
    /// <summary>
    /// The current commit and the hashes of <paramref name="files"/> (the caller names what its result came from).
    /// A file deleted since it was read is listed as such, not dropped.
    /// </summary>
    public static Provenance Capture(IEnumerable<string> files)
    {
        var (commit, dirty) = GitState();
        var hashes = files.Select(FileHash.OfIfPresent).ToList();
        return new Provenance(commit, dirty, DateTimeOffset.UtcNow, hashes);
    }

    /// <summary>
    /// HEAD's hash and whether tracked files differ from it, for the checkout holding <paramref name="directory"/>
    /// (default: the current directory; git looks upward from it); ("unknown", false) outside a git checkout.
    /// A change to <paramref name="except"/> (a file the caller is about to rewrite, e.g. the benchmarks document that
    /// records the run) does not count.
    /// </summary>
    public static (string Commit, bool Dirty) GitState(string? directory = null, string? except = null)
    {
        var head = Git(directory, "rev-parse HEAD");
        if (head is null) return ("unknown", false);
        var status = Git(directory, "status --porcelain --untracked-files=no"
            + (except is null ? "" : $" -- \":/\" \":(exclude){Path.GetFullPath(except)}\""));
        return (head, !string.IsNullOrWhiteSpace(status));
    }

    private static string? Git(string? workingDirectory, string arguments)
    {
        try
        {
            var psi = new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}

/// <summary>A file's path, size and SHA-256 (lower-case hex).</summary>
public sealed record FileHash(string Path, long Bytes, string Sha256)
{
    /// <summary>Marks a file that was read but no longer exists (e.g. a temporary input), in place of its hash.</summary>
    public const string Deleted = "deleted since read";

    /// <summary>Like <see cref="Of"/>, but a missing file yields <see cref="Deleted"/> and -1 bytes instead of throwing.</summary>
    public static FileHash OfIfPresent(string path) => File.Exists(path) ? Of(path) : new FileHash(path, -1, Deleted);

    public static FileHash Of(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new FileHash(path, stream.Length, Convert.ToHexStringLower(hash));
    }
}
