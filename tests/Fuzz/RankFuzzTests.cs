using System.Text;
using System.Text.Json;
using Workbook.Products.Ranking;
using Xunit.Abstractions;

namespace Workbook.Tests.Fuzz;

/// <summary>
/// <c>rank</c> on mutated slices of the real product_scoring.csv, in process, with small blocks and two workers so block
/// edges are crossed. Invariants: the run succeeds or throws InvalidDataException naming the file (the documented
/// structural errors); a run that succeeds has rows = scored + rejected, the rows are every non-empty line after the
/// header, the output holds one line per scored product, and the provenance agrees.
/// </summary>
public class RankFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<string[]> RealFile = new(() => File.ReadAllLines(WorkbookPaths.Data("ranking", "product_scoring.csv")));

    internal static byte[] Sample(Random rng)
    {
        var lines = RealFile.Value;
        var count = rng.Next(20) == 0 ? lines.Length - 1 : rng.Next(1, 600);
        var start = rng.Next(1, lines.Length - count + 1);
        return Encoding.UTF8.GetBytes(string.Join('\n', lines[..1].Concat(lines.Skip(start).Take(count))) + "\n");
    }

    [Fact]
    public void Fuzz_rank_on_mutated_real_scoring_file() =>
        new FuzzCampaign("rank", output).Run(FuzzCampaign.Cases, c =>
        {
            var input = c.Write("products.csv", c.Mutate(Sample(c.Rng), "products.csv"));
            var scores = Path.Combine(c.Folder, "scores.csv");
            var options = new RankerOptions
            {
                Score = (ScoreKind)c.Rng.Next(4), Prior = (PriorFamily)c.Rng.Next(3), CategoryPooling = c.Rng.Next(4) == 0, Seed = c.Number,
            };
            RankRunSummary s;
            try { s = StreamingRanker.Run(input, scores, options, null, 2, c.Rng.Next(2) == 0 ? 1 << 20 : 4096); }
            catch (InvalidDataException e)
            {
                if (!e.Message.Contains(input)) throw new FuzzViolation($"error does not name the file: {e.Message}");
                if (File.Exists(scores)) throw new FuzzViolation("a refused run left an output");
                return "refused (structural)";
            }
            if (s.Rows != s.Scored + s.Rejected) throw new FuzzViolation($"{s.Rows} rows != {s.Scored} scored + {s.Rejected} rejected");
            var lines = NonEmptyLinesAfterHeader(File.ReadAllBytes(input));
            if (s.Rows != lines) throw new FuzzViolation($"{s.Rows} rows counted, the file has {lines} non-empty lines after its header");
            var outputLines = File.ReadAllBytes(scores).Count(b => b == '\n');
            if (outputLines != s.Scored + 1) throw new FuzzViolation($"output has {outputLines} lines for {s.Scored} scored products");
            using var provenance = JsonDocument.Parse(File.ReadAllText(s.ProvenanceFile));
            if (provenance.RootElement.GetProperty("rejected").GetInt64() != s.Rejected) throw new FuzzViolation("provenance disagrees on rejects");
            return s.Rejected > 0 ? "ok with rejected rows" : "ok";
        });

    /// <summary>Lines as the ranker splits them: on '\n', one trailing '\r' dropped, empty lines skipped, the first is the header.</summary>
    private static long NonEmptyLinesAfterHeader(byte[] bytes)
    {
        var lines = 0L;
        var start = 0;
        var first = true;
        while (start < bytes.Length)
        {
            var nl = Array.IndexOf(bytes, (byte)'\n', start);
            var end = nl < 0 ? bytes.Length : nl;
            var length = end - start - (end > start && bytes[end - 1] == '\r' ? 1 : 0);
            if (first) first = false;
            else if (length > 0) lines++;
            start = end + 1;
        }
        return lines;
    }
}
