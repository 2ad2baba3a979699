namespace Workbook.Reports;

/// <summary>
/// Refuses a run whose output would land on one of its own inputs (<c>rank --input f --output f</c>, a model written
/// over its training data, a rejects file named like the input), before anything is read or written: the atomic
/// rename would otherwise replace the input without a word. Paths are compared after resolving symbolic links, so a
/// link to the input is the input.
/// </summary>
public static class OutputGuard
{
    /// <exception cref="ArgumentException">An output is an input, or two outputs are the same file; the message names both roles.</exception>
    public static void Check(IEnumerable<(string Role, string Path)> inputs, IEnumerable<(string Role, string Path)> outputs)
    {
        var seen = inputs.Select(i => (i.Role, Path: Identity(i.Path), IsInput: true)).ToList();
        foreach (var (role, path) in outputs)
        {
            var identity = Identity(path);
            if (seen.FirstOrDefault(s => s.Path == identity) is { Path: not null } clash)
                throw new ArgumentException(clash.IsInput
                    ? $"the {role} '{path}' is the {clash.Role}: refusing to write over an input; choose another file. Nothing was written."
                    : $"the {role} '{path}' is also the {clash.Role}: choose another output name. Nothing was written.");
            seen.Add((role, identity, false));
        }
    }

    /// <summary>The full path with every symbolic link in it resolved (the path itself when nothing resolves).</summary>
    private static string Identity(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target) full = target.FullName;
            var dir = System.IO.Path.GetDirectoryName(full);
            if (dir != null && new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true) is { } dirTarget)
                full = System.IO.Path.Combine(dirTarget.FullName, System.IO.Path.GetFileName(full));
        }
        catch (IOException) { } // an unresolvable link: compare the path as written
        return full;
    }
}
