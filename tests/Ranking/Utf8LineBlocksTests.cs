using System.Security.Cryptography;
using System.Text;
using Workbook.Products.Ranking;
using Workbook.Reports;

namespace Workbook.Tests.Ranking;

public class Utf8LineBlocksTests
{
    // The ranker records the input's SHA-256 from its first read: it must be the file's, whatever the blocks.
    [Theory]
    [InlineData("", 1024)]
    [InlineData("product_id,category_id,cpc,clicks,views", 1024)] // the header alone, no newline
    [InlineData("\uFEFFh\r\na,1\r\nb,2", 1024)] // BOM, CRLF, no final newline
    [InlineData(null, 1024)] // lines longer than the block: read on with a bigger buffer
    [InlineData(null, 70_000)] // a header read (64 KB) that does not reach the end
    [InlineData(null, 1 << 20)] // the whole file in the header read and one block
    public void The_hash_of_what_was_read_is_the_file_hash(string? content, int blockSize)
    {
        var dir = Directory.CreateTempSubdirectory("line-blocks-").FullName;
        try
        {
            var rng = new Random(3);
            content ??= "product_id,category_id,cpc,clicks,views\n" + string.Concat(Enumerable.Range(0, 3000).Select(i =>
                $"{i},{new string('c', i % 50 == 0 ? 3000 : rng.Next(1, 40))},1.5,1.0,{i}.0\n"));
            var path = Path.Combine(dir, "p.csv");
            File.WriteAllText(path, content, new UTF8Encoding(false));
            using var blocks = new Utf8LineBlocks(path, blockSize, hash: true);
            long lines = 0;
            foreach (var block in blocks.Blocks())
            {
                lines += Utf8LineBlocks.Lines(block).Count();
                block.Return();
            }
            Assert.Equal(FileHash.Of(path), blocks.Hash);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), blocks.Hash!.Sha256);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Without_asking_there_is_no_hash()
    {
        var dir = Directory.CreateTempSubdirectory("line-blocks-").FullName;
        try
        {
            var path = Path.Combine(dir, "p.csv");
            File.WriteAllText(path, "h\na\n");
            using var blocks = new Utf8LineBlocks(path, 1024);
            foreach (var block in blocks.Blocks()) block.Return();
            Assert.Null(blocks.Hash);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
