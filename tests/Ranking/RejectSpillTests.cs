using System.Text;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class RejectSpillTests
{
    private static ProductScoringReject Reject(long line, string field = "cpc", string reason = "'x' is not a number") =>
        new("in.csv", line, field, reason, $"raw,{line},\"quoted, \"\"x\"\"\"");

    private static string Written(RejectSpill spill)
    {
        using var buffer = new MemoryStream();
        spill.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void Rejects_come_back_in_line_order_whatever_order_the_blocks_arrived_in()
    {
        using var spill = new RejectSpill(ScratchFile.Beside(Path.GetTempPath(), "rejects-test"));
        spill.Add(2, [Reject(40), Reject(41, "views", "negative")]);
        spill.Add(0, [Reject(3), Reject(7)]);
        spill.Add(1, []);
        spill.Add(5, [Reject(90)]);
        Assert.Equal(5, spill.Count);
        var lines = Written(spill).Split('\n');
        Assert.Equal(RejectSpill.Header, lines[0]);
        Assert.Equal([3L, 7, 40, 41, 90], lines.Skip(1).Where(l => l.Length > 0).Select(l => long.Parse(l.Split(',')[1])));
        Assert.Equal(RejectSpill.Line(Reject(41, "views", "negative")), lines[4]);
        Assert.Equal("", lines[^1]); // every line ends with \n
        // The commonest reason, with its first line.
        Assert.Equal(("cpc: 'x' is not a number", 3L), spill.MostCommon());
        Assert.Throws<InvalidOperationException>(() => spill.Add(0, [Reject(4)]));
    }

    [Fact]
    public void A_reason_per_row_keeps_every_reject_and_a_bounded_tally()
    {
        using var spill = new RejectSpill(ScratchFile.Beside(Path.GetTempPath(), "rejects-test"));
        // Repeated ids make a reason per row (5,000 here, past the tally's bound): every reject is still counted and written.
        Parallel.For(0, 50, b => spill.Add(b, Enumerable.Range(0, 100).Select(i => Reject(b * 1000 + i, "product_id", $"repeats line {b * 1000 + i}")).ToList()));
        spill.Add(60, Enumerable.Range(0, 3).Select(i => Reject(60_000 + i)).ToList());
        Assert.Equal(5003, spill.Count);
        Assert.Equal(5004, Written(spill).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.NotNull(spill.MostCommon());
        using var empty = new RejectSpill(ScratchFile.Beside(Path.GetTempPath(), "rejects-test"));
        Assert.Null(empty.MostCommon());
        Assert.Equal(RejectSpill.Header + "\n", Written(empty));
    }
}
