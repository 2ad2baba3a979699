using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace Workbook.Notebooks;

/// <summary>
/// The metadata references notebook cells compile against. Created once per process: Roslyn keeps its symbol tables
/// per reference object, so reusing the same objects is what makes the second notebook (and every later cell) fast.
/// </summary>
internal static class ScriptReferences
{
    private static readonly ConcurrentDictionary<string, MetadataReference> ByPath = new(StringComparer.Ordinal);

    /// <summary>
    /// Every assembly of .NET's shared framework, plus ASP.NET Core's IHtmlContent (what Polyglot's C# kernel offers a
    /// cell). The rest of ASP.NET Core is left out on purpose: each reference costs every cell's compile a little.
    /// </summary>
    public static readonly Lazy<ImmutableArray<MetadataReference>> Framework = new(() =>
    {
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location);
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        return tpa.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && Path.GetDirectoryName(p) == runtimeDir)
            .Append(typeof(Microsoft.AspNetCore.Html.IHtmlContent).Assembly.Location)
            .Order(StringComparer.Ordinal)
            .Select(For)
            .ToImmutableArray();
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public static MetadataReference For(string path) => ByPath.GetOrAdd(path, p => MetadataReference.CreateFromFile(p));

    /// <summary>
    /// The assembly the host process already has (or can load from its own dependencies) under <paramref name="simpleName"/>,
    /// so a notebook's <c>#r</c> of it binds to the very same types instead of a second copy.
    /// </summary>
    public static Assembly? Host(string simpleName)
    {
        var loaded = AssemblyLoadContext.Default.Assemblies
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));
        if (loaded != null) return loaded;
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simpleName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }

    /// <summary><paramref name="assembly"/> and the host's copies of its direct dependencies (so signatures using them compile).</summary>
    public static IEnumerable<MetadataReference> WithDependencies(Assembly assembly)
    {
        yield return For(assembly.Location);
        foreach (var name in assembly.GetReferencedAssemblies())
        {
            var dependency = Host(name.Name!);
            if (dependency is { IsDynamic: false, Location.Length: > 0 }) yield return For(dependency.Location);
        }
    }
}
