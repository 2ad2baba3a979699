using System.Text.Json;
using System.Text.Json.Serialization;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>
/// What a target's outputs were built from: the hashes of its raw inputs, of its dependencies' outputs and of its
/// code, and its parameters. <see cref="Key"/> hashes all four; a different key means the outputs are stale.
/// </summary>
public sealed record Fingerprint(
    SortedDictionary<string, string> Inputs,
    SortedDictionary<string, string> Dependencies,
    SortedDictionary<string, string> Parameters,
    SortedDictionary<string, string> Code)
{
    [JsonIgnore]
    public string Key => ContentHasher.Of(string.Join('\n',
        Section("input", Inputs), Section("dependency", Dependencies), Section("parameter", Parameters), Section("code", Code)));

    private static string Section(string name, SortedDictionary<string, string> entries) =>
        string.Join('\n', entries.Select(kv => $"{name}\0{kv.Key}\0{kv.Value}"));
}

/// <summary>
/// One built target in <c>data/derived/manifest.json</c>: its fingerprint, the hash of every output it published, and
/// its provenance (the commit, whether the working tree had uncommitted changes, when and how long it built).
/// </summary>
public sealed record ManifestEntry(
    string Key,
    Fingerprint Fingerprint,
    SortedDictionary<string, string> Outputs,
    string Commit,
    bool Dirty,
    DateTimeOffset BuiltUtc,
    double Seconds)
{
    /// <summary>One hash for all outputs together: what a dependent's fingerprint records for this target.</summary>
    [JsonIgnore]
    public string OutputsHash => ContentHasher.Of(string.Join('\n', Outputs.Select(kv => $"{kv.Key}\0{kv.Value}")));
}

/// <summary>
/// <c>data/derived/manifest.json</c>: the entry of every target built so far. Written atomically after each target
/// publishes, so a failed or killed build leaves the previous entry, and readers never see half a file.
/// </summary>
public sealed class Manifest
{
    public const string RepoPath = "data/derived/manifest.json";
    private const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly object _gate = new();
    private readonly SortedDictionary<string, ManifestEntry> _targets;

    private Manifest(SortedDictionary<string, ManifestEntry> targets) => _targets = targets;

    /// <summary>The manifest under <paramref name="root"/>, empty when none was written yet.</summary>
    public static Manifest Load(string root)
    {
        var path = Path.Combine(root, RepoPath);
        if (!File.Exists(path)) return new Manifest(new SortedDictionary<string, ManifestEntry>(StringComparer.Ordinal));
        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllText(path), Options)
                         ?? throw new InvalidDataException($"{path}: empty manifest.");
            if (stored.Version != CurrentVersion)
                throw new InvalidDataException($"{path}: manifest version {stored.Version}, this code reads version {CurrentVersion}. Delete the file to rebuild everything.");
            return new Manifest(new SortedDictionary<string, ManifestEntry>(stored.Targets, StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{path}: not a valid manifest (line {e.LineNumber + 1}: {e.Message}). Delete it to rebuild everything.", e);
        }
    }

    public ManifestEntry? this[string target]
    {
        get { lock (_gate) return _targets.GetValueOrDefault(target); }
    }

    public IReadOnlyDictionary<string, ManifestEntry> Entries
    {
        get { lock (_gate) return new SortedDictionary<string, ManifestEntry>(_targets, StringComparer.Ordinal); }
    }

    /// <summary>Records <paramref name="entry"/> for <paramref name="target"/> and saves the whole manifest atomically.</summary>
    public void Record(string root, string target, ManifestEntry entry)
    {
        lock (_gate)
        {
            _targets[target] = entry;
            var json = JsonSerializer.Serialize(new Stored(CurrentVersion, _targets), Options);
            AtomicFile.WriteAllText(Path.Combine(root, RepoPath), json);
        }
    }

    private sealed record Stored(int Version, SortedDictionary<string, ManifestEntry> Targets);
}
