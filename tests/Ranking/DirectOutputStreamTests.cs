using Workbook.Products.Ranking;

namespace Workbook.Tests.Ranking;

public class DirectOutputStreamTests
{
    // Lengths around the page and buffer sizes: the last page is padded on disk and cut back, whatever the length.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(1 << 20)]
    [InlineData((1 << 20) + 4096 * 3 + 17)]
    [InlineData((3 << 20) - 1)]
    public void The_file_holds_exactly_the_bytes_written_in_pieces_of_any_size(int length)
    {
        var dir = Directory.CreateTempSubdirectory("direct-output-").FullName;
        try
        {
            var path = Path.Combine(dir, "out.csv");
            File.WriteAllText(path, new string('x', 10_000)); // an existing longer file is truncated, as FileMode.Create does
            var rng = new Random(length);
            var bytes = new byte[length];
            rng.NextBytes(bytes);
            using (var s = DirectOutputStream.Create(path))
                for (var at = 0; at < length;)
                {
                    var n = Math.Min(length - at, rng.Next(0, 3) switch { 0 => rng.Next(1, 100), 1 => 4096, _ => rng.Next(1, 700_000) });
                    s.Write(bytes, at, n);
                    at += n;
                    if (rng.Next(10) == 0) s.Flush();
                }
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
