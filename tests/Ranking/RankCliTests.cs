using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Ranking;

public class RankCliTests
{
    [Fact]
    public void Rank_writes_scores_with_exact_ids_rejects_with_reasons_and_provenance()
    {
        var rows = new List<string> { "product_id,category_id,cpc,clicks,views" };
        var rng = new Random(1);
        for (var i = 0; i < 300; i++)
        {
            var n = rng.Next(20, 500);
            rows.Add($"{9_000_000_000_000_000_000UL + (ulong)i},{(i % 3 == 0 ? "7234842626579207420" : "3751288961258999757")},1.0999999632755684,{rng.Next(0, n / 20)}.0,{n}.0");
        }
        rows.Add("18446744073709551615,1,1.5,0.0,");
        rows.Add("42,1,1.5,oops,10.0");
        using var csv = new TempCsv(string.Join('\n', rows) + "\n");
        var output = Path.Combine(csv.Dir, "out", "scores.csv");

        var r = CliProcess.Run(["rank", "--data", csv.Path, "--output", output, "--score", "lower", "--seed", "3"]);
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("rejects.csv", r.Stdout);

        var lines = File.ReadAllLines(output);
        Assert.Equal("product_id,category_id,score,rank,ctr_mean,ctr_low,ctr_high,cpc,clicks,views", lines[0]);
        Assert.Equal(301, lines.Length - 1);
        var fields = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(fields, f => f[0] == "18446744073709551615" && f[9] == "");
        Assert.Contains(fields, f => f[0] == "9000000000000000299" && f[7] == "1.0999999632755684");
        Assert.Equal(Enumerable.Range(1, 301).Select(i => i.ToString()), fields.Select(f => f[3]).OrderBy(int.Parse));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        // Written with 12 decimals, so score and ctr_low x cpc agree to rounding.
        Assert.All(fields, f => Assert.InRange(double.Parse(f[5], inv) * double.Parse(f[7], inv) - double.Parse(f[2], inv), -1e-11, 1e-11));
        var byRank = fields.OrderBy(f => int.Parse(f[3])).Select(f => double.Parse(f[2], inv)).ToList();
        Assert.True(byRank.Zip(byRank.Skip(1)).All(t => t.First >= t.Second));

        var rejects = File.ReadAllLines(Path.Combine(csv.Dir, "out", "scores.rejects.csv"));
        Assert.Equal(2, rejects.Length);
        Assert.Contains(",303,clicks,", rejects[1]);
        Assert.Contains("42,1,1.5,oops,10.0", rejects[1]);
        var provenance = File.ReadAllText(output + ".provenance.json");
        Assert.Contains("\"Sha256\"", provenance);
        Assert.Contains("\"Lower\"", provenance);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(csv.Dir, "out")), f => f.EndsWith(".tmp"));
    }

    [Fact]
    public void Rank_on_a_file_without_the_views_column_fails_with_the_file_named()
    {
        using var csv = new TempCsv("product_id,category_id,cpc,clicks\n1,2,1.0,0.0\n");
        var output = Path.Combine(csv.Dir, "scores.csv");
        // --input, the option's old name, still works (the CLI's data arguments are --data now).
        var r = CliProcess.Run(["rank", "--input", csv.Path, "--output", output]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(csv.Path, r.Stderr);
        Assert.False(File.Exists(output));
    }
}
