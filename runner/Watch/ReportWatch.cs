using System.Diagnostics;
using System.Security.Cryptography;

namespace Workbook.Notebooks;

/// <summary>Why <see cref="ReportWatch.RunAsync"/> returned.</summary>
internal enum WatchExit
{
    /// <summary>Cancelled (Ctrl-C).</summary>
    Stopped,
    /// <summary>The library was rebuilt: the process must start again to load it (a .NET process cannot unload its copy).</summary>
    LibraryRebuilt,
}

/// <summary>
/// The loop of <c>report --watch</c>: runs each watched notebook once, then on every save runs it again from its
/// first changed cell (<see cref="LiveNotebook"/>) and publishes the new page to the <see cref="WatchServer"/>. A
/// change to one of <paramref name="libraryFiles"/> ends the loop with <see cref="WatchExit.LibraryRebuilt"/> once the
/// build has settled. Saves are noticed by a file system watcher, with a poll as a safety net. With
/// <paramref name="discoverIn"/> (the user named no notebooks) a <c>.dib</c> created in that folder later joins the
/// watch and is served like the others (a notebook named <c>index.dib</c> is skipped with a line saying why).
/// </summary>
internal sealed class ReportWatch(
    IReadOnlyList<string> notebooks,
    IReadOnlyList<string> libraryFiles,
    WatchServer server,
    TextWriter log,
    Func<string, CancellationToken, Task>? beforeRun = null,
    string? restartReason = null,
    string? discoverIn = null)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan BuildSettle = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _changed = new(0);
    private readonly Dictionary<string, (LiveNotebook Notebook, string? Hash)> _live = new(StringComparer.Ordinal);

    /// <summary>Runs of every notebook so far, for tests and the log: (notebook, run, seconds from the save to the published page).</summary>
    public event Action<NotebookRun, TimeSpan>? Published;

    public async Task<WatchExit> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var path in notebooks) _live[Path.GetFullPath(path)] = (new LiveNotebook(path, restartReason), null);
        var library = libraryFiles.ToDictionary(f => f, Stamp);
        var watchers = new List<FileSystemWatcher>();
        var watched = _live.Keys.Concat(libraryFiles).Select(Path.GetDirectoryName);
        if (discoverIn is not null) watched = watched.Append(Path.GetFullPath(discoverIn));
        try
        {
            foreach (var folder in watched.Distinct().Where(Directory.Exists))
            {
                var w = new FileSystemWatcher(folder!) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
                w.Changed += (_, _) => Signal();
                w.Created += (_, _) => Signal();
                w.Renamed += (_, _) => Signal();
                w.EnableRaisingEvents = true;
                watchers.Add(w);
            }
            var noticed = Stopwatch.GetTimestamp();
            while (true)
            {
                if (libraryFiles.Any(f => Stamp(f) != library[f]))
                {
                    await WaitForBuild(library, cancellationToken);
                    return WatchExit.LibraryRebuilt;
                }
                Discover();
                foreach (var path in _live.Keys.ToList())
                    await RunIfChanged(path, noticed, cancellationToken);
                var signalled = await _changed.WaitAsync(Poll, cancellationToken);
                noticed = Stopwatch.GetTimestamp();
                if (signalled) await Task.Delay(Settle, cancellationToken); // an editor's save can be several writes
                while (_changed.CurrentCount > 0) await _changed.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WatchExit.Stopped;
        }
        finally
        {
            foreach (var w in watchers) w.Dispose();
        }
    }

    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    // Notebooks created in the watched folder since the last pass join the watch (sorted, so several arrive in order).
    private void Discover()
    {
        if (discoverIn is null || !Directory.Exists(discoverIn)) return;
        foreach (var path in Directory.EnumerateFiles(discoverIn, "*.dib").Select(Path.GetFullPath).Order(StringComparer.Ordinal))
        {
            if (_live.ContainsKey(path) || _skipped.Contains(path)) continue;
            if (ReportIndex.IsReservedNotebook(path))
            {
                _skipped.Add(path);
                log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {Path.GetFileName(path)}: not watched: its report would be written over {ReportIndex.FileName}; rename it");
                continue;
            }
            _live[path] = (new LiveNotebook(path, restartReason), null);
            log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] new notebook {Path.GetFileName(path)}: watching it, page {Path.GetFileNameWithoutExtension(path)}.html");
        }
    }

    private void Signal()
    {
        if (_changed.CurrentCount == 0) _changed.Release();
    }

    private async Task RunIfChanged(string path, long noticed, CancellationToken cancellationToken)
    {
        var (notebook, last) = _live[path];
        string hash;
        try { hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path, cancellationToken))); }
        catch (IOException) { return; } // being replaced; the next signal or poll sees it
        if (hash == last) return;
        _live[path] = (notebook, hash);
        server.Running(notebook.Name);
        if (beforeRun != null) await beforeRun(path, cancellationToken);
        var run = await notebook.RunAsync(cancellationToken);
        server.Publish(notebook.Name, NotebookReport.Render(run));
        var latency = Stopwatch.GetElapsedTime(noticed);
        Published?.Invoke(run, latency);
        log.WriteLine(Describe(run, latency));
    }

    /// <summary>One log line a run: what ran, what was reused, the cells' own time and the whole time to the page.</summary>
    internal static string Describe(NotebookRun run, TimeSpan latency)
    {
        var code = run.Cells.Where(c => c.Live != null).ToList();
        var ran = code.Where(c => c.Live is { Reused: false }).ToList();
        var own = TimeSpan.FromTicks(ran.Sum(c => c.Execute.Ticks));
        var where = ran.Count == 0 ? "no cell ran" : $"ran cell{(ran.Count == 1 ? "" : "s")} {string.Join(",", ran.Select(c => c.Cell.Number))}";
        var status = run.Failed ? "FAILED" : "ok";
        // Each error on a line of its own, "<notebook>.dib: cell N, line L: ...", which VS Code's task problem matcher reads.
        var errors = string.Concat(run.Errors.Select(e => "\n  " + e.Message.ReplaceLineEndings(" ")));
        return $"[{DateTime.UtcNow:HH:mm:ss}] {run.Notebook.Name}: run {run.Live?.RunNumber}, {status}: {where}, reused {code.Count - ran.Count}; " +
               $"cells' own code {own.TotalSeconds:0.000} s, change to page {latency.TotalSeconds:0.000} s (runner {(latency - own).TotalSeconds:0.000} s){errors}";
    }

    private static (long, DateTime) Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    // A build writes the library, then copies it; wait until nothing has changed for a second.
    private static async Task WaitForBuild(Dictionary<string, (long, DateTime)> library, CancellationToken cancellationToken)
    {
        var seen = library.Keys.ToDictionary(f => f, Stamp);
        while (true)
        {
            await Task.Delay(BuildSettle, cancellationToken);
            var now = library.Keys.ToDictionary(f => f, Stamp);
            if (now.All(kv => seen[kv.Key] == kv.Value && kv.Value.Item1 >= 0)) return;
            seen = now;
        }
    }
}
