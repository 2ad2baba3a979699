namespace Workbook.Make;

/// <summary>
/// What a target's <see cref="Target.Build"/> is handed: where its inputs are and where to write each output. Outputs
/// are written to a staging folder and published together once Build returns, so a failed or killed build never
/// leaves half of a target's outputs in data/derived/.
/// </summary>
public sealed class TargetContext(string root, string staging, IProgress<string>? progress = null)
{
    /// <summary>The workbook's root folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Where this build writes its outputs before they are published.</summary>
    public string Staging { get; } = Path.GetFullPath(staging);

    /// <summary>Progress lines (shown by <c>make</c>, quietly when output is not a terminal).</summary>
    public IProgress<string> Progress { get; } = progress ?? new Progress<string>();

    /// <summary>The absolute path of a raw input or of another target's (published) output.</summary>
    public string Input(string repoRelative) => Path.Combine(Root, repoRelative);

    /// <summary>Where to write the output <paramref name="repoRelative"/> (its folder exists).</summary>
    public string Output(string repoRelative)
    {
        var path = Path.Combine(Staging, repoRelative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
