using System.Globalization;
using System.Text;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class FixedDecimalTests
{
    // The format as a spec, written the slow way: the value rounded to 1e-12, whole part, point, twelve decimals less
    // their trailing zeros (one kept); "R" from 9e6 up.
    private static string Spec(double x)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!(Math.Abs(x) < 9e6)) return x.ToString("R", inv);
        var scaled = (long)Math.Round(Math.Abs(x) * 1e12);
        var decimals = (scaled % 1_000_000_000_000L).ToString("D12", inv).TrimEnd('0');
        return (x < 0 ? "-" : "") + (scaled / 1_000_000_000_000L).ToString(inv) + "." + (decimals.Length == 0 ? "0" : decimals);
    }

    [Fact]
    public void Scores_and_ctrs_are_written_as_the_spec_says()
    {
        var rng = new Random(13);
        var values = new List<double> { 0, -0.0, 1e-13, 4.9999999999e-13, 5e-13, 0.5, 1, 2, 9.999999999999, 9.9999999999995, 10, 123456.5,
            8_999_999.999999, 9e6, -1.5, -4e-13, 1e-300, double.Epsilon, 0.1, 1.0 / 3, double.NaN, double.PositiveInfinity, -1e7 };
        for (var i = 0; i < 1_000_000; i++)
        {
            values.Add(rng.NextDouble() * rng.NextDouble() * 2.6); // a score: CTR x CPC
            values.Add(rng.NextDouble() * Math.Pow(10, rng.Next(-14, 7)) * (rng.Next(8) == 0 ? -1 : 1));
            values.Add(rng.Next(0, 100_000) / 1000.0);
        }
        var buffer = new byte[64];
        foreach (var x in values)
            Assert.Equal(Spec(x), Encoding.ASCII.GetString(buffer, 0, FixedDecimal.Write(x, buffer)));
    }
}
