namespace Workbook.Tests.Notebooks;

/// <summary>A .dib file written to a temporary folder for one test, deleted afterwards.</summary>
internal sealed class TempNotebook : IDisposable
{
    public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wb-nb-" + Guid.NewGuid().ToString("N")[..8]);
    public string Path { get; }

    /// <summary>The library's #r line as an absolute path (the temporary folder is not below notebooks/).</summary>
    public static string LibraryReference =>
        $"#r \"{System.IO.Path.Combine(WorkbookPaths.Root(AppContext.BaseDirectory), "lib", "bin", "Workbook.Lib.dll")}\"";

    public TempNotebook(string dib, string name = "test.dib")
    {
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(Path, dib.Replace("{LIB}", LibraryReference));
    }

    /// <summary>A notebook of C# cells, one per argument.</summary>
    public static TempNotebook Of(params string[] cells) =>
        new(string.Concat(cells.Select(c => "#!csharp\n\n" + c + "\n\n")));

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
