namespace Workbook.Make;

/// <summary>
/// One <c>make</c> at a time per workbook: an exclusive lock on <c>data/derived/.make.lock</c> (flock on Linux, taken by
/// opening the file with FileShare.None), held until disposed and released by the OS if the process dies, so a killed
/// run never leaves a stale lock. A second run waits (saying for whom) rather than refusing: <c>report</c> calls
/// <c>make</c> too, and waiting for the other build is what the user wants. The owner's pid and command line go to
/// a separate file, since the locked one cannot be read while held.
/// </summary>
public sealed class MakeLock : IDisposable
{
    public const string RepoPath = "data/derived/.make.lock";
    private readonly FileStream _stream;
    private readonly string _ownerFile;

    private MakeLock(FileStream stream, string ownerFile)
    {
        _stream = stream;
        _ownerFile = ownerFile;
    }

    /// <summary>Takes the lock, or null at once if another run holds it.</summary>
    public static MakeLock? TryAcquire(string root)
    {
        var path = Path.Combine(Path.GetFullPath(root), RepoPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var owner = path + ".owner";
            File.WriteAllText(owner, $"pid {Environment.ProcessId}: {Environment.CommandLine}\n");
            return new MakeLock(stream, owner);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the lock, waiting while another run holds it; <paramref name="waiting"/> is told once who holds it.
    /// </summary>
    public static async Task<MakeLock> AcquireAsync(string root, Action<string>? waiting, CancellationToken ct)
    {
        var told = false;
        while (true)
        {
            if (TryAcquire(root) is { } taken) return taken;
            if (!told)
            {
                told = true;
                waiting?.Invoke($"waiting for another make to finish ({Owner(root)}; the lock is {RepoPath})");
            }
            await Task.Delay(250, ct);
        }
    }

    private static string Owner(string root)
    {
        try { return File.ReadAllText(Path.Combine(Path.GetFullPath(root), RepoPath + ".owner")).Trim(); }
        catch (IOException) { return "owner unknown"; }
    }

    public void Dispose()
    {
        try { File.Delete(_ownerFile); } catch (IOException) { /* the next owner rewrites it */ }
        _stream.Dispose();
    }
}
