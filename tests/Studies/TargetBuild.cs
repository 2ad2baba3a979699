using Workbook.Make;

namespace Workbook.Tests.Studies;

/// <summary>Builds one target into a fresh staging folder, as <c>make</c> does, and checks it wrote exactly its outputs.</summary>
internal sealed class TargetBuild : IDisposable
{
    public string Staging { get; } = Directory.CreateTempSubdirectory("target-staging-").FullName;

    public static async Task<TargetBuild> Run(Target target, string root)
    {
        var build = new TargetBuild();
        await target.Build(new TargetContext(root, build.Staging), CancellationToken.None);
        var written = Directory.EnumerateFiles(build.Staging, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(build.Staging, f).Replace('\\', '/')).Order().ToList();
        Assert.Equal(target.Outputs.Order().ToList(), written);
        return build;
    }

    /// <summary>Where the build staged the output <paramref name="repoRelative"/>.</summary>
    public string Path(string repoRelative) => System.IO.Path.Combine(Staging, repoRelative);

    public void Dispose() => Directory.Delete(Staging, recursive: true);
}
