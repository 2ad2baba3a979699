using System.Text.RegularExpressions;

namespace Workbook.Make;

/// <summary>
/// Which derived data a notebook reads, found in its code: every string that names a path under
/// <c>data/derived/</c> (e.g. <c>"../data/derived/search-logs"</c>, relative to the notebook's folder). <c>report</c>
/// makes the targets that write those paths before running the notebook.
/// </summary>
public static partial class NotebookDependencies
{
    /// <summary>The repository-relative derived paths named in <paramref name="code"/>, in order of appearance, once each.</summary>
    public static IReadOnlyList<string> DerivedPaths(string code) =>
        DerivedPath().Matches(code).Select(m => m.Groups[1].Value.TrimEnd('/')).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The targets writing <paramref name="paths"/>, and the paths no target writes (a typo, or a target not yet written).</summary>
    public static (IReadOnlyList<string> Targets, IReadOnlyList<string> Unknown) TargetsFor(MakeEngine engine, IEnumerable<string> paths)
    {
        var targets = new List<string>();
        var unknown = new List<string>();
        foreach (var path in paths)
        {
            var writers = engine.TargetsWriting(path);
            if (writers.Count == 0) unknown.Add(path);
            targets.AddRange(writers.Where(w => !targets.Contains(w)));
        }
        return (targets, unknown);
    }

    // A quoted string (plain, verbatim or interpolated) containing data/derived/, up to the first character that cannot
    // be part of a literal path: an interpolation hole, a quote or whitespace.
    [GeneratedRegex(@"""(?:\.\./)*(data/derived(?:/[^""{}\s]*)?)")]
    private static partial Regex DerivedPath();
}
