using System.Globalization;
using System.Text;
using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class ScoringLineParserTests
{
    [Fact]
    public void Plain_decimals_parse_to_the_very_double_that_double_TryParse_gives()
    {
        var inv = CultureInfo.InvariantCulture;
        var rng = new Random(11);
        var texts = File.ReadLines(WorkbookPaths.Data("ranking", "product_scoring.csv")).Skip(1).Select(l => l.Split(',')[2]).ToList();
        for (var i = 0; i < 300_000; i++)
        {
            texts.Add(((double)(float)(rng.NextDouble() * 3)).ToString("R", inv)); // the file's CPCs: floats widened, shortest round trip
            texts.Add((rng.NextDouble() * Math.Pow(10, rng.Next(-3, 4))).ToString("R", inv));
            var digits = new string(Enumerable.Range(0, rng.Next(1, 20)).Select(_ => (char)('0' + rng.Next(10))).ToArray());
            var point = rng.Next(0, digits.Length + 1);
            texts.Add(rng.Next(4) == 0 ? digits : digits[..point] + "." + digits[point..]);
        }
        var fast = 0;
        foreach (var t in texts)
        {
            if (!ScoringLineParser.TryParsePlainDecimal(Encoding.ASCII.GetBytes(t), out var v)) continue;
            fast++;
            Assert.True(BitConverter.DoubleToInt64Bits(double.Parse(t, NumberStyles.Float, inv)) == BitConverter.DoubleToInt64Bits(v), $"{t}: {v:R}");
        }
        Assert.True(fast > texts.Count / 2, $"{fast} of {texts.Count} took the fast path");
        // Anything but digits and one point goes to double.TryParse.
        foreach (var t in new[] { "-1.5", "+1", "1e5", "1E-05", " 1", "1 ", "12345678901234567890", ".", "", "1.2.3", "NaN", "1,5" })
            Assert.False(ScoringLineParser.TryParsePlainDecimal(Encoding.ASCII.GetBytes(t), out _), t);
    }
}
