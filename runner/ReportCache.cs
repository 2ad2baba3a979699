using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Workbook.Reports;

namespace Workbook.Notebooks;

/// <summary>Why a report's code outputs came from the cache, shown on the page.</summary>
/// <param name="RunStartedUtc">When the run whose outputs are shown started.</param>
public sealed record CacheNote(DateTimeOffset RunStartedUtc, TimeSpan RunDuration);

/// <summary>
/// Skips re-running a notebook whose code cannot have a different result: its code cells (in order), the library
/// and runner builds, and every file the last run read are unchanged. Markdown is not part of the key, so after a
/// markdown-only edit the cached outputs of the code cells are put back in place and only the page is rendered
/// again. Only runs that succeeded are kept. One JSON file per notebook in <c>&lt;reports&gt;/.cache/</c>, written
/// atomically, so a killed report never leaves a half entry.
/// </summary>
public sealed class ReportCache(string reportsFolder)
{
    private const int Version = 1;
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Folder { get; } = Path.Combine(Path.GetFullPath(reportsFolder), ".cache");

    /// <summary>
    /// The notebook's run rebuilt from the cache, with the current markdown, or null when something it depends on
    /// changed (or <paramref name="alsoReads"/> names a file the cached run did not hash).
    /// </summary>
    /// <param name="alsoReads">Files the notebook's source names (e.g. derived artifacts) that must be unchanged too.</param>
    public NotebookRun? TryReuse(string notebookPath, IEnumerable<string> alsoReads)
    {
        var file = EntryPath(notebookPath);
        if (!File.Exists(file)) return null;
        Entry? entry;
        try
        {
            entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(file), Json);
        }
        catch (JsonException)
        {
            return null; // an entry from an older layout: run again and overwrite it
        }
        if (entry is null || entry.Version != Version || entry.Build != BuildHash()) return null;
        Notebook notebook;
        try
        {
            notebook = DibParser.Load(notebookPath) with { Path = NotebookRunner.DisplayPath(notebookPath) };
        }
        catch (NotebookFormatException)
        {
            return null;
        }
        var code = notebook.Cells.Where(c => c.Kind == CellKind.CSharp).ToList();
        if (CodeHash(code) != entry.Code || code.Count != entry.Cells.Count) return null;
        foreach (var extra in alsoReads.Select(Path.GetFullPath))
            if (!entry.Inputs.ContainsKey(extra)) return null;
        foreach (var (path, sha) in entry.Inputs)
            if (FileHash.OfIfPresent(path).Sha256 != sha) return null;

        var cached = code.Zip(entry.Cells).ToDictionary(p => p.First.Number, p => p.Second);
        var cells = notebook.Cells.Select(cell => cell.Kind == CellKind.Markdown
            ? new CellRun(cell, CellStatus.Markdown, [], TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, null)
            : new CellRun(cell, cached[cell.Number].Status, cached[cell.Number].Outputs, cached[cell.Number].Duration,
                cached[cell.Number].Compile, cached[cell.Number].Execute, null)).ToList();
        return new NotebookRun(notebook, cells, DateTimeOffset.UtcNow, entry.Duration, entry.Provenance)
        {
            Cache = new CacheNote(entry.StartedUtc, entry.Duration),
        };
    }

    /// <summary>Keeps <paramref name="run"/> for next time, if it succeeded; a failed run is never reused.</summary>
    public void Save(string notebookPath, NotebookRun run, IEnumerable<string> alsoReads)
    {
        if (run.Failed || run.Cache != null) return;
        var code = run.Cells.Where(c => c.Cell.Kind == CellKind.CSharp).ToList();
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in run.Provenance.Files) inputs[Path.GetFullPath(f.Path)] = f.Sha256;
        foreach (var extra in alsoReads.Select(Path.GetFullPath))
            if (!inputs.ContainsKey(extra)) inputs[extra] = FileHash.OfIfPresent(extra).Sha256;
        var entry = new Entry(Version, BuildHash(), CodeHash(code.Select(c => c.Cell).ToList()), run.StartedUtc, run.Duration,
            run.Provenance, inputs, code.Select(c => new CachedCell(c.Status, c.Outputs, c.Duration, c.Compile, c.Execute)).ToList());
        AtomicFile.WriteAllText(EntryPath(notebookPath), JsonSerializer.Serialize(entry, Json));
    }

    private string EntryPath(string notebookPath) => Path.Combine(Folder, Path.GetFileNameWithoutExtension(notebookPath) + ".json");

    private static string CodeHash(IReadOnlyList<NotebookCell> code)
    {
        var text = new StringBuilder();
        foreach (var cell in code) text.Append(cell.Source).Append("\n\u0000cell\u0000\n");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// The library cells compile against and the runner that formats their outputs, by content (builds are
    /// deterministic, so an unchanged source rebuilds to the same bytes), plus the runtime's version.
    /// </summary>
    private static string BuildHash() => LazyBuildHash.Value;

    private static readonly Lazy<string> LazyBuildHash = new(() =>
        string.Join(";", FileHash.Of(typeof(Artifact).Assembly.Location).Sha256, FileHash.Of(typeof(ReportCache).Assembly.Location).Sha256,
            Environment.Version.ToString()));

    private sealed record CachedCell(CellStatus Status, IReadOnlyList<CellOutput> Outputs, TimeSpan Duration, TimeSpan Compile, TimeSpan Execute);

    private sealed record Entry(int Version, string Build, string Code, DateTimeOffset StartedUtc, TimeSpan Duration,
        Provenance Provenance, SortedDictionary<string, string> Inputs, IReadOnlyList<CachedCell> Cells);
}
