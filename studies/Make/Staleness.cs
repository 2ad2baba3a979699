namespace Workbook.Make;

/// <summary>
/// Why a target must rebuild, in words <c>make --dry-run</c> prints: every input, parameter, code path, dependency
/// and output that differs from what its manifest entry recorded. No reason means its outputs are up to date.
/// </summary>
public static class Staleness
{
    /// <param name="now">The target's fingerprint computed from the files as they are.</param>
    /// <param name="built">Its manifest entry; null when it was never built.</param>
    /// <param name="outputs">The hash of each declared output as it is on disk (null: missing).</param>
    /// <param name="rebuilding">Its dependencies that rebuild in this run.</param>
    public static IReadOnlyList<string> Reasons(
        Target target, Fingerprint now, ManifestEntry? built, IReadOnlyDictionary<string, string?> outputs,
        IReadOnlyCollection<string> rebuilding, bool force)
    {
        var reasons = new List<string>();
        if (force) reasons.Add("forced (--force)");
        foreach (var dependency in target.DependsOn.Where(rebuilding.Contains))
            reasons.Add($"dependency {dependency} rebuilds");
        if (built is null)
        {
            reasons.Add("never built");
            return reasons;
        }
        var old = built.Fingerprint;
        Compare(reasons, "input", old.Inputs, now.Inputs);
        Compare(reasons, "code", old.Code, now.Code);
        foreach (var (name, value) in now.Parameters)
            if (!old.Parameters.TryGetValue(name, out var was)) reasons.Add($"parameter {name} added ({value})");
            else if (was != value) reasons.Add($"parameter {name} changed ({was} -> {value})");
        foreach (var name in old.Parameters.Keys.Where(k => !now.Parameters.ContainsKey(k)))
            reasons.Add($"parameter {name} removed");
        foreach (var (name, hash) in now.Dependencies)
            if (!rebuilding.Contains(name) && old.Dependencies.GetValueOrDefault(name) != hash)
                reasons.Add($"dependency {name}'s outputs changed since this target was built");
        foreach (var (path, hash) in outputs)
        {
            if (hash is null) reasons.Add($"output {path} is missing");
            else if (!built.Outputs.TryGetValue(path, out var published)) reasons.Add($"output {path} is new in the target's definition");
            else if (published != hash) reasons.Add($"output {path} was modified after it was built");
        }
        return reasons;
    }

    private static void Compare(List<string> reasons, string kind, SortedDictionary<string, string> old, SortedDictionary<string, string> now)
    {
        foreach (var (path, hash) in now)
            if (!old.TryGetValue(path, out var was)) reasons.Add($"{kind} {path} added");
            else if (was != hash) reasons.Add($"{kind} {path} changed ({ContentHasher.Short(was)} -> {ContentHasher.Short(hash)})");
        foreach (var path in old.Keys.Where(p => !now.ContainsKey(p)))
            reasons.Add($"{kind} {path} removed");
    }
}
