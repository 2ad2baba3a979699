using System.Globalization;
using Workbook.Products.Ranking;
using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Ranking;

/// <summary>
/// Repeated product_id rows: the first copy is ranked, later copies are rejected naming the first, and the fit is the
/// fit of the file without them. Absurd values (cpc 1e308, NaN, infinite, negative) are rejected rows with the value.
/// </summary>
public class DuplicateAndAbsurdRowTests
{
    private const string Header = "product_id,category_id,cpc,clicks,views";

    /// <summary>2,000 products; <paramref name="repeats"/> later lines repeat earlier ids with other values.</summary>
    private static List<string> Products(out List<(int LineIndex, string Id, int FirstLineIndex)> repeats)
    {
        var rng = new Random(3);
        var lines = new List<string> { Header };
        for (var i = 0; i < 2000; i++)
        {
            var n = rng.Next(20, 600);
            lines.Add($"{8_000_000_000_000_000_000UL + (ulong)i},{rng.Next(5)},{(1 + rng.Next(4) * 0.25).ToString(CultureInfo.InvariantCulture)},{rng.Next(0, 1 + n / 15)}.0,{n}.0");
        }
        repeats = [];
        // Spread over many blocks and both workers: near the start repeated near the end, a triple, a space-padded copy.
        foreach (var (source, at, pad) in new[] { (5, 1900, ""), (1000, 1001, ""), (5, 600, ""), (42, 1500, " ") })
        {
            var id = lines[source].Split(',')[0];
            lines.Insert(at, $"{pad}{id}{pad},9,2.5,50.0,60.0"); // would rank near the top if it were scored
        }
        for (var i = 1; i < lines.Count; i++)
        {
            var id = lines[i].Split(',')[0].Trim();
            var first = lines.FindIndex(1, l => l.Split(',')[0].Trim() == id);
            if (first != i) repeats.Add((i, id, first));
        }
        return lines;
    }

    [Theory]
    [InlineData(1, 1 << 20)]
    [InlineData(2, 2048)] // dozens of blocks, two workers racing
    public void Later_copies_are_rejected_naming_the_first_and_the_ranking_is_that_of_the_file_without_them(int workers, int blockSize)
    {
        var lines = Products(out var repeats);
        Assert.Equal(4, repeats.Count);
        using var csv = new TempCsv(string.Join('\n', lines) + "\n");
        var output = Path.Combine(csv.Dir, "scores.csv");
        var s = StreamingRanker.Run(csv.Path, output, new RankerOptions(), null, workers, blockSize);
        Assert.Equal((4L, 4L, 2000L), (s.Rejected, s.Duplicates, s.Scored));

        var rejects = File.ReadAllLines(s.RejectsFile).Skip(1).ToList();
        foreach (var (index, id, first) in repeats)
            Assert.Contains(rejects, r => r.Contains($",{index + 1},product_id,duplicate id {id} (the copy on line {first + 1} is kept)"));
        var ids = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')[0].Trim()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // Without the later copies the file ranks byte for byte the same: they did not touch the fit either.
        var skip = repeats.Select(r => r.LineIndex).ToHashSet();
        using var clean = new TempCsv(string.Join('\n', lines.Where((_, i) => !skip.Contains(i))) + "\n");
        var cleanOutput = Path.Combine(clean.Dir, "scores.csv");
        StreamingRanker.Run(clean.Path, cleanOutput, new RankerOptions(), null, workers, blockSize);
        Assert.Equal(File.ReadAllText(cleanOutput), File.ReadAllText(output));

        // The in-memory loader applies the same rule with the same words.
        var loaded = ProductScoringLoader.Load(csv.Path);
        Assert.Equal(2000, loaded.Products.Count);
        Assert.Equal(rejects.Select(r => r.Split(',')[1]).Order(), loaded.Rejects.Select(r => r.Line.ToString(CultureInfo.InvariantCulture)).Order());
        Assert.All(loaded.Rejects, r => Assert.EndsWith("is kept)", r.Reason));
    }

    [Fact]
    public void The_id_hash_spill_finds_every_repeated_hash_across_partitions_workers_and_flushes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ids-{Guid.NewGuid():N}.tmp");
        using (var spill = new DuplicateProductIds.HashSpill(new ScratchFile(path), inputBytes: 1L << 30))
        {
            Assert.Equal(64, spill.Partitions); // 1 GB of input in partitions of ~16 MB
            var rng = new Random(1);
            var hashes = Enumerable.Range(0, 2_000_000).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63)).ToList();
            var repeats = hashes.Where((_, i) => i % 50_000 == 7).ToHashSet();
            var writers = new[] { new DuplicateProductIds.HashSpill.Writer(spill), new DuplicateProductIds.HashSpill.Writer(spill) };
            for (var i = 0; i < hashes.Count; i++) writers[i % 2].Add(hashes[i]); // each partition's buffer fills and is flushed several times
            foreach (var r in repeats) writers[0].Add(r);
            foreach (var w in writers) w.Flush();
            Assert.Equal(repeats.Order(), spill.Repeated(workers: 2).Order());
        }
        Assert.False(File.Exists(path)); // the spill deletes itself
    }

    [Theory]
    [InlineData("1e308", "above the plausible maximum 1000")]
    [InlineData("1000.5", "above the plausible maximum 1000")]
    [InlineData("NaN", "is not a number")]
    [InlineData("Infinity", "is not a number")]
    [InlineData("-0.5", "negative")]
    public void An_absurd_cpc_is_a_rejected_row_with_its_value(string cpc, string reason)
    {
        using var csv = new TempCsv($"{Header}\np1,c,1.0,1.0,40.0\np2,c,{cpc},1.0,40.0\np3,c,1000,0.0,40.0\n");
        var output = Path.Combine(csv.Dir, "scores.csv");
        var s = StreamingRanker.Run(csv.Path, output, new RankerOptions());
        Assert.Equal((2L, 1L), (s.Scored, s.Rejected));
        var reject = File.ReadAllLines(s.RejectsFile)[1];
        Assert.Contains(",3,cpc,", reject);
        Assert.Contains(reason, reject);
        Assert.Contains(reason, Assert.Single(ProductScoringLoader.Load(csv.Path).Rejects).Reason);
    }

    [Fact]
    public void A_file_whose_every_row_is_rejected_is_refused_naming_the_file_and_writes_nothing()
    {
        using var csv = new TempCsv($"{Header}\np1,c,1e308,1.0,40.0\np2,c,1e308,0.0,40.0\n");
        var output = Path.Combine(csv.Dir, "scores.csv");
        var e = Assert.Throws<InvalidDataException>(() => StreamingRanker.Run(csv.Path, output, new RankerOptions()));
        Assert.Contains(csv.Path, e.Message);
        Assert.Contains("2 rows, 2 rejected, most often for cpc: 1E+308 is above the plausible maximum 1000, e.g. line 2", e.Message);
        Assert.Equal([csv.Path], Directory.GetFiles(csv.Dir)); // no output, rejects, provenance or temporary file
    }

    [Fact]
    public void The_cli_counts_the_duplicates()
    {
        using var csv = new TempCsv($"{Header}\np1,c,1.0,1.0,40.0\np2,c,1.0,0.0,40.0\np1,c,2.0,30.0,40.0\n");
        var r = CliProcess.Run(["rank", "--input", csv.Path, "--output", Path.Combine(csv.Dir, "scores.csv")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("ranked 2 products (1 rejected, of which 1 repeated a product_id: first copy kept)", r.Stdout);
    }
}
