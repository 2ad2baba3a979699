using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Enrichment;

/// <summary>The <c>enrich</c> verb run as a real child process on a temporary clean database.</summary>
public class EnrichCliTests
{
    [Fact]
    public void Enrich_prints_the_correction_related_queries_and_clips()
    {
        var (searches, clicks) = SampleLog.Rows();
        using var db = new CleanDbFixture(searches, clicks);
        var r = CliProcess.Run(["enrich", "Documentery", "--db", db.Path]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("normalized:  documentery (Search, never seen)", r.Stdout);
        Assert.Contains("documentery -> documentary (distance 1", r.Stdout);
        Assert.Matches(@"suggested clips:\s+\d\.\d{4}\s+100\b", r.Stdout);
    }

    [Fact]
    public void Batch_prints_one_tab_separated_line_per_query()
    {
        var (searches, clicks) = SampleLog.Rows();
        using var db = new CleanDbFixture(searches, clicks);
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["music video", "", "someone@example.com", "documentery"]);
            var r = CliProcess.Run(["enrich", "--batch", file, "--db", db.Path]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, lines.Length); // header + three non-empty queries
            Assert.StartsWith("query\tnormalized\t", lines[0]);
            Assert.Equal(["someone@example.com", "someone@example.com", "Email", "no", "", "", ""], lines[2].Split('\t'));
            Assert.Equal("documentary", lines[3].Split('\t')[4]);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Missing_clean_tables_fail_with_the_command_to_run()
    {
        using var empty = new CleanDbFixture([], [], withTables: false);
        var r = CliProcess.Run(["enrich", "cats", "--db", empty.Path]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("dotnet run -- pipeline run --input data/search-logs", r.Stderr);
    }
}
