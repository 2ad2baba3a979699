namespace Workbook.Tests.Ranking;

/// <summary>Temporary scoring files for tests, deleted on dispose.</summary>
internal sealed class TempCsv : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("ranking-test-").FullName;
    public string Path { get; }

    public TempCsv(string content, string name = "products.csv")
    {
        Path = System.IO.Path.Combine(Dir, name);
        File.WriteAllText(Path, content);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
