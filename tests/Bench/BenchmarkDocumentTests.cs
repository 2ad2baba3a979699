namespace Workbook.Tests.Bench;

public class BenchmarkDocumentTests
{
    private static readonly BenchmarkDocument.Run Sample = new("rank", "dotnet run -c Release -- bench rank --rows 2000",
        new DateTimeOffset(2026, 12, 4, 23, 30, 0, TimeSpan.Zero), "1.20 0.90 0.80", "0123456789abcdef", false, "\u001b[1mrows\u001b[0m 2,000: 0.1 s\n");

    [Fact]
    public void A_recorded_block_replaces_only_the_text_between_its_markers()
    {
        var document = "# Benchmarks\n\nintro\n\n<!-- bench:rank -->\nold table\n<!-- /bench:rank -->\nafter\n\n<!-- bench:enrich -->\nkept\n<!-- /bench:enrich -->\n";
        var updated = BenchmarkDocument.Replace(document, "rank", BenchmarkDocument.Block(Sample));
        Assert.DoesNotContain("old table", updated);
        Assert.Contains("<!-- bench:enrich -->\nkept\n<!-- /bench:enrich -->", updated);
        Assert.StartsWith("# Benchmarks\n\nintro\n\n<!-- bench:rank -->\nRecorded 2026-12-04 23:30 UTC, load 1.20 0.90 0.80, commit 0123456789: `dotnet run -c Release -- bench rank --rows 2000`", updated);
        Assert.Contains("```text\nrows 2,000: 0.1 s\n```\n<!-- /bench:rank -->\nafter", updated); // colour codes removed
        // Recording again gives the same document: the markers stay where they were.
        Assert.Equal(updated, BenchmarkDocument.Replace(updated, "rank", BenchmarkDocument.Block(Sample)));
    }

    [Fact]
    public void A_verb_without_markers_gets_a_section_at_the_end()
    {
        var updated = BenchmarkDocument.Replace("# Benchmarks\n", "automl", "table\n");
        Assert.Equal("# Benchmarks\n\n## bench automl\n\n<!-- bench:automl -->\ntable\n<!-- /bench:automl -->\n", updated);
    }

    [Fact]
    public void Record_writes_the_file_atomically_and_says_when_the_tree_was_dirty()
    {
        var dir = Directory.CreateTempSubdirectory("bench-doc-").FullName;
        try
        {
            var path = Path.Combine(dir, "BENCHMARKS.md");
            BenchmarkDocument.Record(path, Sample with { Dirty = true });
            var text = File.ReadAllText(path);
            Assert.Contains("commit 0123456789 with uncommitted changes", text);
            Assert.Single(Directory.GetFiles(dir)); // no temp file left beside it
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
