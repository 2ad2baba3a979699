using System.Globalization;
using System.Text;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class StreamingRankerTests
{
    private static string File3000(int seed, out List<string> lines)
    {
        var rng = new Random(seed);
        lines = ["product_id,category_id,cpc,clicks,views"];
        for (var i = 0; i < 3000; i++)
        {
            var n = rng.Next(20, 600);
            var cat = $"{7_000_000_000_000_000_000L + rng.Next(12)}";
            var cpc = (1 + rng.Next(0, 4) * 0.25).ToString("R", CultureInfo.InvariantCulture);
            lines.Add(i % 7 == 0 ? $"{9_100_000_000_000_000_000UL + (ulong)i},{cat},{cpc},0.0,"
                : $"{9_100_000_000_000_000_000UL + (ulong)i},{cat},{cpc},{rng.Next(0, 1 + n / 15)}.0,{n}.0");
        }
        lines.Insert(1500, "bad,1,1.5,x,10.0");
        lines.Insert(2500, "");
        return string.Join('\n', lines) + "\n";
    }

    [Theory]
    [InlineData(1, 4096)] // ~30 blocks and sorted runs, one worker
    [InlineData(2, 2048)] // ~60 blocks, two workers racing
    public void Many_blocks_and_runs_give_the_in_memory_ranking_best_first(int workers, int blockSize)
    {
        using var csv = new TempCsv(File3000(5, out _));
        var output = Path.Combine(csv.Dir, "scores.csv");
        var s = StreamingRanker.Run(csv.Path, output, new RankerOptions(), null, workers, blockSize);
        Assert.True(s.SortRuns > 20, $"{s.SortRuns} runs");
        Assert.Equal(3001, s.Rows);
        Assert.Equal(1, s.Rejected);

        var data = ProductScoringLoader.Load(csv.Path);
        var expected = ProductRanker.Fit(data.Products).Rank(data.Products);
        var rows = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')).ToList();
        // Written best first, rank = position, the same order as the in-memory ranking (ties in input order).
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => i.ToString()), rows.Select(r => r[3]));
        Assert.Equal(expected.Select(e => e.ProductId), rows.Select(r => r[0]));
        var inv = CultureInfo.InvariantCulture;
        // Written with 12 decimals.
        Assert.All(expected.Zip(rows), t => Assert.InRange(double.Parse(t.Second[2], inv) - t.First.Score, -1e-12, 1e-12));
        Assert.All(expected.Zip(rows), t => Assert.InRange(double.Parse(t.Second[5], inv) - t.First.CtrLow, -1e-12, 1e-12));

        var rejects = File.ReadAllLines(s.RejectsFile);
        Assert.Contains(",1501,clicks,", rejects[1]); // line numbers survive the block split
    }

    [Fact]
    public void A_block_of_more_lines_than_a_worker_first_holds_ranks_as_in_memory()
    {
        // 200,000 short lines in one 8 MB block: the score pass's per-line arrays (65,536 at first) grow mid-block.
        var rng = new Random(6);
        var text = new StringBuilder("product_id,category_id,cpc,clicks,views\n");
        for (var i = 0; i < 200_000; i++)
        {
            var views = rng.Next(1, 300);
            text.Append($"p{i},c{rng.Next(5)},{rng.Next(1, 9) * 0.25},{rng.Next(0, 1 + views / 20)}.0,{views}.0\n");
        }
        using var csv = new TempCsv(text.ToString());
        var output = Path.Combine(csv.Dir, "scores.csv");
        var s = StreamingRanker.Run(csv.Path, output, new RankerOptions(), null, 1);
        Assert.Equal(1, s.SortRuns);
        var data = ProductScoringLoader.Load(csv.Path);
        var expected = ProductRanker.Fit(data.Products).Rank(data.Products);
        Assert.Equal(expected.Select(e => e.ProductId), File.ReadLines(output).Skip(1).Select(l => l[..l.IndexOf(',')]));
    }

    [Fact]
    public void Reruns_are_byte_identical_whatever_the_workers_and_blocks()
    {
        using var csv = new TempCsv(File3000(8, out _));
        string Run(int workers, int block, ScoreKind kind)
        {
            var output = Path.Combine(csv.Dir, $"s-{workers}-{block}-{kind}.csv");
            StreamingRanker.Run(csv.Path, output, new RankerOptions { Score = kind, Seed = 3 }, null, workers, block);
            return File.ReadAllText(output);
        }
        Assert.Equal(Run(1, 1 << 20, ScoreKind.Thompson), Run(2, 3000, ScoreKind.Thompson));
        Assert.Equal(Run(1, 1 << 20, ScoreKind.Mean), Run(2, 5000, ScoreKind.Mean));
        Assert.NotEqual(Run(2, 5000, ScoreKind.Mean), Run(2, 5000, ScoreKind.Thompson));
    }

    [Fact]
    public void Columns_in_another_order_or_with_extras_give_the_bytes_of_the_canonical_layout()
    {
        // The canonical header's records are two copies of the line (its first two fields, its last three); any other
        // layout splits the line again and copies five fields. Both must write the same bytes, spaces and all.
        _ = File3000(9, out var lines);
        var rows = lines.Skip(1).Select((l, i) => l.Split(',')).Select((f, i) => f.Length < 5 ? f : i % 11 == 0
            ? [" " + f[0], f[1] + " ", " " + f[2], f[3], f[4] + " "] // spaces kept in the output as they are in the input
            : f).ToList();
        string Rank(string header, Func<string[], string> line, string name)
        {
            using var csv = new TempCsv(header + "\n" + string.Join('\n', rows.Select(f => f.Length < 5 ? string.Join(',', f) : line(f))) + "\n");
            var output = Path.Combine(csv.Dir, name);
            StreamingRanker.Run(csv.Path, output, new RankerOptions(), null, 2, 4096);
            return File.ReadAllText(output);
        }
        var canonical = Rank("product_id,category_id,cpc,clicks,views", f => string.Join(',', f), "canonical.csv");
        Assert.Equal(canonical, Rank("views,cpc,product_id,clicks,category_id", f => string.Join(',', f[4], f[2], f[0], f[3], f[1]), "reordered.csv"));
        Assert.Equal(canonical, Rank("product_id,category_id,cpc,clicks,impressions,note", f => string.Join(',', f) + ",x", "extra.csv"));
    }

    [Fact]
    public void Merge_orders_runs_by_score_then_line_and_splices_ranks_and_inserts()
    {
        var path = Path.GetTempFileName();
        using (var runs = new SortedRuns(path))
        {
            var rng = new Random(2);
            var b = new SortedRuns.Builder();
            var all = new List<(double Score, long Line, int Insert)>();
            byte[][] inserts = [[.. "<a>"u8], [.. "<bb>"u8], [.. "<ccc>"u8]];
            foreach (var run in new[] { 4, 0, 8, 2, 6, 1, 7, 3, 5 }) // appended out of file order, as racing workers do
            {
                for (var i = 0; i < 200; i++)
                {
                    long line = run * 200 + i;
                    var score = rng.Next(0, 30) / 10.0; // many ties, across runs
                    var insert = i % 4 - 1; // -1: none
                    var text = Encoding.UTF8.GetBytes($"L{line},|{score.ToString(CultureInfo.InvariantCulture)}\n");
                    var dst = b.Reserve(text.Length);
                    text.CopyTo(dst);
                    b.Commit(score, line, text.AsSpan().IndexOf((byte)'|'), text.Length, insert);
                    all.Add((score, line, insert));
                }
                runs.Append(b, run);
            }
            using var ms = new MemoryStream();
            Assert.Equal(1800, runs.Merge(ms, inserts, readBudget: 1)); // the smallest buffers: records cross refills
            var lines = Encoding.UTF8.GetString(ms.ToArray()).TrimEnd('\n').Split('\n');
            var expected = all.OrderByDescending(a => a.Score).ThenBy(a => a.Line).ToList();
            Assert.Equal(expected.Select((e, r) => $"L{e.Line},{r + 1}{(e.Insert < 0 ? "" : Encoding.UTF8.GetString(inserts[e.Insert]))}|{e.Score.ToString(CultureInfo.InvariantCulture)}"), lines);
        }
        Assert.False(File.Exists(path)); // the run file deletes itself
    }

    [Fact]
    public void Fit_on_a_histogram_equals_fit_on_rows()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 3000).Select(_ => { var n = rng.Next(20, 200); return ((long)rng.Next(0, 1 + n / 10), (long)n); }).ToList();
        var hist = rows.GroupBy(r => r).Select(g => (g.Key.Item1, g.Key.Item2, (long)g.Count())).Reverse().ToList();
        Assert.Equal(BetaBinomialMle.Fit(rows), BetaBinomialMle.Fit(hist));
        Assert.Equal(ZeroInflatedBetaBinomialMle.Fit(rows), ZeroInflatedBetaBinomialMle.Fit(hist));
    }
}
