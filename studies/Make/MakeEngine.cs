using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Workbook.Dag;
using Workbook.Reports;

namespace Workbook.Make;

/// <summary>A target in a plan, with every reason it must rebuild (none: up to date).</summary>
public sealed record PlannedTarget(Target Target, IReadOnlyList<string> Reasons)
{
    public bool Stale => Reasons.Count > 0;
}

/// <summary>What one <c>make</c> would do: the requested targets and their dependencies, dependencies first.</summary>
public sealed record MakePlan(IReadOnlyList<PlannedTarget> Targets)
{
    public IReadOnlyList<PlannedTarget> Stale => Targets.Where(t => t.Stale).ToList();
}

/// <summary>How one target's build ended.</summary>
public sealed record TargetOutcome(string Target, TaskOutcome Outcome, TimeSpan Elapsed, TimeSpan ProcessCpu, string? Error);

/// <summary>A target definition the engine refuses; the message names the target and the field.</summary>
public sealed class MakeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The workbook-wide DAG: decides from the manifest which targets are stale (and why), and rebuilds those with the
/// library's <see cref="TaskRunner"/> (dependencies first, independent targets in parallel, a failure skips what
/// depends on it). Each build writes into a staging folder; its outputs are published, and its manifest entry
/// written, only when Build returns and every declared output is there. The caller holds the <see cref="MakeLock"/>.
/// </summary>
public sealed class MakeEngine
{
    public const string DerivedFolder = "data/derived";
    public const string StagingFolder = "data/derived/.staging";

    private readonly Dictionary<string, Target> _byName;
    private readonly TaskGraph _graph;
    private readonly ContentHasher _hasher;
    private readonly ILogger _logger;
    private readonly int _maxParallel;

    public string Root { get; }
    public Manifest Manifest { get; private set; }
    public IReadOnlyList<Target> Catalog { get; }

    /// <summary>Raised when a target starts building and when it ends (from the build's thread).</summary>
    public event Action<string, TargetOutcome?>? TargetChanged;

    public MakeEngine(string root, IReadOnlyList<Target> catalog, ILogger logger, int maxParallel = 2)
    {
        Root = Path.GetFullPath(root);
        Catalog = catalog;
        _logger = logger;
        _maxParallel = Math.Max(1, maxParallel);
        _hasher = new ContentHasher(Root);
        Validate(catalog);
        _byName = catalog.ToDictionary(t => t.Name, StringComparer.Ordinal);
        try
        {
            _graph = new TaskGraph(catalog.Select(t => new DagTask(t.Name, t.DependsOn, t.Description, _ => Task.FromResult(0L))));
        }
        catch (ArgumentException e)
        {
            throw new MakeException($"The target catalog is not a DAG: {e.Message}", e);
        }
        Manifest = Manifest.Load(Root);
    }

    /// <summary>
    /// The targets named (all when none) with their dependencies, in build order, each with its reasons to rebuild.
    /// A dependency that rebuilds makes everything downstream rebuild.
    /// </summary>
    public MakePlan Plan(IReadOnlyCollection<string> requested, bool force = false)
    {
        var unknown = requested.Where(r => !_byName.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
            throw new MakeException($"unknown target{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}; " +
                                    $"the targets are: {string.Join(", ", Catalog.Select(t => t.Name))}");
        var wanted = Closure(requested.Count == 0 ? Catalog.Select(t => t.Name) : requested);
        var rebuilding = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<PlannedTarget>();
        foreach (var task in _graph.Tasks.Where(t => wanted.Contains(t.Name)))
        {
            var target = _byName[task.Name];
            var reasons = Staleness.Reasons(target, FingerprintOf(target), Manifest[target.Name], CurrentOutputs(target), rebuilding, force);
            if (reasons.Count > 0) rebuilding.Add(target.Name);
            planned.Add(new PlannedTarget(target, reasons));
        }
        return new MakePlan(planned);
    }

    /// <summary>The targets whose declared outputs include <paramref name="repoRelative"/> or lie above it.</summary>
    public IReadOnlyList<string> TargetsWriting(string repoRelative)
    {
        var path = Normalise(repoRelative);
        return Catalog.Where(t => t.Outputs.Any(o => path == o || path.StartsWith(o + "/", StringComparison.Ordinal)
                                                      || o.StartsWith(path + "/", StringComparison.Ordinal)))
            .Select(t => t.Name).ToList();
    }

    /// <summary>Builds the stale targets of <paramref name="plan"/>; the others are left as they are.</summary>
    public async Task<IReadOnlyList<TargetOutcome>> BuildAsync(MakePlan plan, CancellationToken ct = default)
    {
        CleanStaging();
        var stale = plan.Stale.Select(p => p.Target).ToList();
        if (stale.Count == 0) return [];
        var names = stale.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var graph = new TaskGraph(stale.Select(t => new DagTask(
            t.Name, t.DependsOn.Where(names.Contains).ToList(), t.Description, token => BuildOneAsync(t, token))));
        var runId = DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss") + "-" + Guid.NewGuid().ToString("N")[..6];
        var results = await new TaskRunner(_logger, maxParallel: _maxParallel).RunAsync(graph, runId, ct);
        return results.Select(r => new TargetOutcome(r.Task, r.Outcome, r.Elapsed, r.ProcessCpu, r.Error)).ToList();
    }

    private async Task<long> BuildOneAsync(Target target, CancellationToken ct)
    {
        TargetChanged?.Invoke(target.Name, null);
        var clock = Stopwatch.StartNew();
        // Taken now, not at plan time: a dependency rebuilt in this run has new outputs.
        var fingerprint = FingerprintOf(target);
        var staging = Path.Combine(Root, StagingFolder, $"{target.Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var progress = new LineProgress(line => _logger.LogInformation("target={Target} progress={Line}", target.Name, line));
            await target.Build(new TargetContext(Root, staging, progress), ct);
            ct.ThrowIfCancellationRequested();
            CheckStaged(target, staging);
            Publish(target, staging);
            var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var output in target.Outputs) outputs[output] = _hasher.Hash(output)!;
            var (commit, dirty) = Provenance.GitState();
            var previous = Manifest[target.Name];
            Manifest.Record(Root, target.Name, new ManifestEntry(
                fingerprint.Key, fingerprint, outputs, commit, dirty, DateTimeOffset.UtcNow, Math.Round(clock.Elapsed.TotalSeconds, 2)));
            // An output the target no longer declares would otherwise stay behind, looking current to a reader.
            foreach (var dropped in previous?.Outputs.Keys.Where(o => !target.Outputs.Contains(o)) ?? [])
                TryDelete(Path.Combine(Root, dropped));
            return target.Outputs.Count;
        }
        finally
        {
            TryDelete(staging);
        }
    }

    /// <summary>Every declared output must be staged, and nothing else: an undeclared file would never be published or hashed.</summary>
    private static void CheckStaged(Target target, string staging)
    {
        foreach (var output in target.Outputs)
        {
            var path = Path.Combine(staging, output);
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new MakeException($"target {target.Name} did not write its output {output} (write it at context.Output(\"{output}\"))");
        }
        var declared = target.Outputs.Select(o => Path.GetFullPath(Path.Combine(staging, o))).ToList();
        foreach (var file in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories))
            if (!declared.Any(d => file == d || file.StartsWith(d + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                throw new MakeException($"target {target.Name} wrote {Path.GetRelativePath(staging, file)}, which is not among its outputs; declare it in Outputs");
    }

    /// <summary>Moves each staged output over the published one (a folder is swapped whole, never merged).</summary>
    private void Publish(Target target, string staging)
    {
        foreach (var output in target.Outputs)
        {
            var from = Path.Combine(staging, output);
            var to = Path.Combine(Root, output);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (File.Exists(from))
            {
                if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
                File.Move(from, to, overwrite: true);
                continue;
            }
            var old = to + $".old-{Guid.NewGuid():N}";
            if (Directory.Exists(to)) Directory.Move(to, old);
            else if (File.Exists(to)) File.Move(to, old);
            Directory.Move(from, to);
            TryDelete(old);
        }
        _logger.LogInformation("target={Target} event=published outputs={Outputs}", target.Name, string.Join(",", target.Outputs));
    }

    private Fingerprint FingerprintOf(Target target)
    {
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in target.Inputs)
            inputs[input] = _hasher.Hash(input)
                            ?? throw new MakeException($"target {target.Name}: input {input} does not exist (Inputs, relative to {Root})");
        var code = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in target.Code)
            code[path] = _hasher.Hash(path)
                         ?? throw new MakeException($"target {target.Name}: code path {path} does not exist (Code, relative to {Root})");
        var dependencies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dependency in target.DependsOn)
            dependencies[dependency] = Manifest[dependency]?.OutputsHash ?? "never built";
        var parameters = new SortedDictionary<string, string>(target.Parameters.ToDictionary(), StringComparer.Ordinal);
        return new Fingerprint(inputs, dependencies, parameters, code);
    }

    private Dictionary<string, string?> CurrentOutputs(Target target) =>
        target.Outputs.ToDictionary(o => o, o => _hasher.Hash(o), StringComparer.Ordinal);

    private HashSet<string> Closure(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(names);
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (!seen.Add(name)) continue;
            foreach (var d in _byName[name].DependsOn) stack.Push(d);
        }
        return seen;
    }

    /// <summary>A killed build leaves its staging folder behind; nothing in it was published, so it goes.</summary>
    private void CleanStaging()
    {
        var staging = Path.Combine(Root, StagingFolder);
        if (!Directory.Exists(staging)) return;
        foreach (var dir in Directory.EnumerateDirectories(staging)) TryDelete(dir);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (IOException) { /* cleaned at the next make */ }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> posts to the thread pool, so its lines could
    /// arrive after the target's end line, or never when the process exits.</summary>
    private sealed class LineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    private static string Normalise(string repoRelative) => repoRelative.Replace('\\', '/').TrimStart('.', '/').TrimEnd('/');

    /// <summary>Refuses a catalog whose targets would collide or escape data/derived/, naming the target and field.</summary>
    private static void Validate(IReadOnlyList<Target> catalog)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in catalog)
        {
            if (!names.Add(t.Name)) throw new MakeException($"target {t.Name} is defined twice");
            if (!System.Text.RegularExpressions.Regex.IsMatch(t.Name, "^[a-z0-9]+(-[a-z0-9]+)*$"))
                throw new MakeException($"target '{t.Name}': Name must be kebab-case (lower-case words joined by '-')");
            if (t.Outputs.Count == 0) throw new MakeException($"target {t.Name}: Outputs is empty; a target exists to write something");
            foreach (var output in t.Outputs)
            {
                if (Normalise(output) != output || !output.StartsWith(DerivedFolder + "/", StringComparison.Ordinal) || output.Contains(".."))
                    throw new MakeException($"target {t.Name}: output '{output}' must be a plain path under {DerivedFolder}/ (Outputs)");
                if (output == Manifest.RepoPath || output.StartsWith(StagingFolder, StringComparison.Ordinal))
                    throw new MakeException($"target {t.Name}: output '{output}' is the engine's own file (Outputs)");
                foreach (var (other, owner) in owners)
                    if (other == output || other.StartsWith(output + "/", StringComparison.Ordinal) || output.StartsWith(other + "/", StringComparison.Ordinal))
                        throw new MakeException($"targets {owner} and {t.Name} both write {(other.Length < output.Length ? other : output)} (Outputs)");
                owners[output] = t.Name;
            }
            foreach (var input in t.Inputs)
                if (Normalise(input).StartsWith(DerivedFolder, StringComparison.Ordinal))
                    throw new MakeException($"target {t.Name}: input '{input}' is derived data; depend on the target that writes it (DependsOn) instead of listing it in Inputs");
        }
    }
}
