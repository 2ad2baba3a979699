using System.Reflection;

namespace Workbook.Tests.Notebooks;

public class LibraryBinTests
{
    [Fact]
    public void The_build_puts_the_library_and_its_nuget_dependencies_in_lib_bin()
    {
        var bin = Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "lib", "bin");
        var lib = Path.Combine(bin, "Workbook.Lib.dll");
        Assert.True(File.Exists(lib), $"{lib} is missing: the build's CopyForNotebooks target did not run.");
        Assert.Equal("Workbook.Lib", AssemblyName.GetAssemblyName(lib).Name);
        // Everything the library references that is not part of the shared framework must sit next to it.
        var frameworkDirs = new[] { typeof(object), typeof(Microsoft.AspNetCore.Html.IHtmlContent) }
            .Select(t => Path.GetDirectoryName(t.Assembly.Location)).ToHashSet();
        var packages = typeof(Workbook.Reports.Chart).Assembly.GetReferencedAssemblies()
            .Select(Assembly.Load)
            .Where(a => !frameworkDirs.Contains(Path.GetDirectoryName(a.Location)))
            .Select(a => Path.GetFileName(a.Location))
            .ToList();
        Assert.Contains("CsvHelper.dll", packages);
        Assert.Contains("MathNet.Numerics.dll", packages);
        // The notebook runner's own dependencies (Roslyn, Markdig) stay out of what notebooks load.
        Assert.DoesNotContain(packages, p => p.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || p.StartsWith("Markdig", StringComparison.Ordinal));
        Assert.All(packages, dll => Assert.True(File.Exists(Path.Combine(bin, dll)), $"lib/bin/{dll} is missing"));
    }
}
