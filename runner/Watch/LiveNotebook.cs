using System.Diagnostics;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>
/// How a cell's result came about in a live session (<c>report --watch</c>): <see cref="Runs"/> counts how often the
/// cell's code ran in this session; <see cref="RunNumber"/> and <see cref="RanUtc"/> say which run computed the
/// output shown; <see cref="Reused"/> is true when that was an earlier run (state and output kept, code not run now).
/// </summary>
internal sealed record LiveCell(bool Reused, int Runs, int RunNumber, DateTimeOffset RanUtc);

/// <summary>One run of a live session: its number, how many code cells were reused and re-ran, and why the session restarted, if it did.</summary>
internal sealed record LiveRunNote(int RunNumber, int Reused, int Reran, string? Restarted);

/// <summary>
/// A notebook kept alive between saves: the script state after every code cell is kept, and a run starts from the
/// first code cell whose source changed (or that has no kept state, because it or one above it failed), continuing
/// the state of the cell above it. Cells above that point are not run again; their outputs are the earlier run's.
/// </summary>
internal sealed class LiveNotebook
{
    private sealed record Kept(string Source, CellRun Run, NotebookRunner.Checkpoint After, LiveCell Live, IReadOnlyList<string> Files);

    private static readonly NotebookRunner.Checkpoint Start = new(null, []);

    private readonly string _full;
    private readonly string _shown;
    private readonly string _directory;
    private readonly List<Kept> _kept = [];
    private readonly List<int> _runs = []; // per code cell position: how often it ran in this session
    private NotebookRunner.Session? _session;
    private int _runNumber;
    private string? _restartReason;

    public LiveNotebook(string path, string? restartReason = null)
    {
        _full = Path.GetFullPath(path);
        _shown = NotebookRunner.DisplayPath(path);
        _directory = Path.GetDirectoryName(_full)!;
        _restartReason = restartReason;
    }

    public string Name => Path.GetFileNameWithoutExtension(_full);

    public string FullPath => _full;

    /// <summary>Forgets every kept state: the next run starts from the first cell (and says <paramref name="reason"/>).</summary>
    public void Restart(string reason)
    {
        _session = null;
        _restartReason = reason;
    }

    /// <summary>Runs the notebook as it is on disk now, from its first changed cell (see the class summary).</summary>
    public async Task<NotebookRun> RunAsync(CancellationToken cancellationToken = default)
    {
        using var folder = await WorkingFolder.EnterAsync(_directory, cancellationToken);
        return await RunInFolderAsync(cancellationToken);
    }

    private async Task<NotebookRun> RunInFolderAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var number = ++_runNumber;
        Notebook notebook;
        try
        {
            notebook = DibParser.Load(_full) with { Path = _shown };
            NotebookRunner.CheckLibraryReference(notebook);
        }
        catch (NotebookFormatException e)
        {
            // The kept states stay: fixing the file continues from them.
            var error = new CellError(_shown, e.Cell, e.Line, $"{_shown}: cell {e.Cell}, line {e.Line}: {e.Problem}", "");
            return new NotebookRun(new Notebook(_shown, [], null), [], started, clock.Elapsed, Provenance.Capture([]), error)
            { Live = new LiveRunNote(number, 0, 0, null) };
        }

        var restarted = _session == null ? _restartReason ?? "" : null;
        if (_session == null)
        {
            _session = new NotebookRunner.Session(notebook, _directory);
            _kept.Clear();
            _runs.Clear();
            _restartReason = null;
        }
        _session.Notebook = notebook;

        // Reuse the longest run of unchanged code cells from the top; everything after the first change runs again.
        var code = notebook.Cells.Where(c => c.Kind == CellKind.CSharp).ToList();
        var reuse = 0;
        while (reuse < _kept.Count && reuse < code.Count && _kept[reuse].Source == code[reuse].Source) reuse++;
        _kept.RemoveRange(reuse, _kept.Count - reuse);
        _session.Restore(reuse == 0 ? Start : _kept[reuse - 1].After);

        var results = new List<CellRun>(notebook.Cells.Count);
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var position = -1;
        var reran = 0;
        CellRun? failed = null;
        foreach (var cell in notebook.Cells)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (cell.Kind == CellKind.Markdown)
            {
                results.Add(new CellRun(cell, CellStatus.Markdown, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, null));
                continue;
            }
            position++;
            if (position < reuse)
            {
                var kept = _kept[position];
                results.Add(kept.Run with { Cell = cell, Live = kept.Live with { Reused = true } });
                files.UnionWith(kept.Files);
                continue;
            }
            if (failed != null)
            {
                results.Add(new CellRun(cell, CellStatus.Skipped, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, null));
                continue;
            }
            CellRun result;
            IReadOnlyList<string> read;
            using (var lineage = DataLineageCollector.Begin())
            {
                result = await _session.RunAsync(cell, cancellationToken);
                read = lineage.Files;
            }
            reran++;
            if (position < _runs.Count) _runs[position]++;
            else _runs.Add(1);
            var live = new LiveCell(false, _runs[position], number, DateTimeOffset.UtcNow);
            result = result with { Live = live };
            files.UnionWith(read);
            if (result.Status == CellStatus.Succeeded) _kept.Add(new Kept(cell.Source, result, _session.Save(), live, read));
            else failed = result;
            results.Add(result);
        }
        return new NotebookRun(notebook, results, started, clock.Elapsed, Provenance.Capture(files))
        {
            Live = new LiveRunNote(number, reuse, reran, restarted),
        };
    }
}
